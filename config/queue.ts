import env from '#start/env'
import { defineConfig } from '@rlanz/bull-queue'
import { redisConnection } from '#config/redis'
import sendingConfig from '#config/sending'

export default defineConfig({
  defaultConnection: redisConnection,

  queue: {},

  /**
   * What `node ace queue:listen` listens on by default. Webhook deliveries
   * have their own queue (and BullMQ worker), so a burst of them never
   * delays sending batches on `default`.
   */
  queueNames: ['default', 'webhooks'],

  worker: {
    /**
     * Jobs at once per queue: by default twice the SMTP pool, so that while
     * a batch logs its last message and renders its next one, another
     * batch's message is on the wire and no pooled connection waits
     * (docs/benchmarks.md, issue 13: 7-10 % less CPU per message and a
     * faster worker than with as many batches as connections).
     */
    concurrency: env.get('QUEUE_CONCURRENCY') ?? 2 * sendingConfig.poolSize,
    /**
     * A worker that dies (SIGKILL, lost machine) stops renewing its job
     * locks; after this long another worker takes its jobs over.
     */
    lockDuration: env.get('QUEUE_STALLED_INTERVAL') ?? 30_000,
    stalledInterval: env.get('QUEUE_STALLED_INTERVAL') ?? 30_000,
    /**
     * BullMQ workers block on Redis and must not give up on a request.
     */
    connection: { ...redisConnection, maxRetriesPerRequest: null },
  },

  jobs: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },

  /**
   * How long the worker lets running jobs finish on SIGTERM/SIGINT before it
   * gives up on them (they are then picked up again by another worker).
   */
  shutdownTimeout: env.get('QUEUE_SHUTDOWN_TIMEOUT') ?? 30_000,
})
