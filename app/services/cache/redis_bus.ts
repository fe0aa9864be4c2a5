import { configProvider } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import { Redis, type RedisOptions } from 'ioredis'
import { redisBusDriver } from 'bentocache/drivers/redis'
import type { RedisConnections } from '@adonisjs/redis/types'

/**
 * An ioredis connection whose SUBSCRIBE waits for Redis instead of failing.
 *
 * The cache bus subscribes when its store is made and bentocache drops that
 * promise (`new Bus()` calls `subscribe` without returning or awaiting it).
 * Issued while Redis is away (a web process started during an outage, or
 * one whose Redis went away before its bus had connected), the command
 * waits in ioredis's offline queue, is rejected after `maxRetriesPerRequest`
 * reconnections, and the unhandled rejection kills the process with every
 * request it is serving (found on Node 24 by
 * tests/functional/server/request_logs.spec.ts). Here the subscription is
 * tried again each time the connection is ready, and its promise settles
 * only once it holds; @boringnode/bus keeps its handler meanwhile, and
 * ioredis renews the subscription after later reconnections by itself.
 * Publishing is untouched: it still fails (and is queued for a retry by
 * the bus) rather than holding a request while Redis is away.
 */
class PatientSubscriberRedis extends Redis {
  constructor(options: RedisOptions) {
    super(options)
    // Without a listener ioredis writes "[ioredis] Unhandled error event"
    // to stderr at every reconnection, outside the JSON log; the main
    // connection already logs the outage (@adonisjs/redis).
    this.on('error', (error) => logger.debug({ err: error }, 'Cache bus: Redis connection failure'))
  }

  duplicate(override?: Partial<RedisOptions>) {
    return new PatientSubscriberRedis({ ...this.options, lazyConnect: false, ...override })
  }

  subscribe(...channels: any[]): Promise<unknown> {
    // The bus passes channel names only; a callback is ioredis's business.
    if (typeof channels.at(-1) === 'function') return super.subscribe(...channels)
    return new Promise((resolve) => {
      const attempt = () => {
        super.subscribe(...channels).then(resolve, () => this.once('ready', attempt))
      }
      attempt()
    })
  }
}

/**
 * The cache's Redis bus (as `drivers.redisBus` of @adonisjs/cache makes it:
 * its own publisher and subscriber connections, with the settings of the
 * named Redis connection) whose subscription survives a Redis outage at
 * start.
 */
export function patientRedisBus(config: { connectionName: keyof RedisConnections }) {
  return configProvider.create(async (app) => {
    const redis = await app.container.make('redis')
    const { options } = redis.connection(config.connectionName).ioConnection
    // Never connects itself: the bus makes its two connections with duplicate().
    return redisBusDriver({
      connection: new PatientSubscriberRedis({ ...options, lazyConnect: true }),
    })
  })
}
