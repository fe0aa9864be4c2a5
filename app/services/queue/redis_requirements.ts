import type { LoggerService } from '@adonisjs/core/types'
import queue from '@rlanz/bull-queue/services/main'

/**
 * The two commands asked of the queue's ioredis client.
 */
interface RedisClient {
  config(subcommand: 'GET', name: string): Promise<unknown>
  info(section: string): Promise<string>
}

/**
 * A Redis setting, read with CONFIG GET, or from INFO where CONFIG is
 * refused (managed Redis often disables it). Null when neither answers.
 */
async function setting(client: RedisClient, name: string, infoSection: string, infoKey: string) {
  try {
    const [, value] = (await client.config('GET', name)) as string[]
    if (value !== undefined) return value
  } catch {
    // Refused: fall back to INFO.
  }
  try {
    const info = await client.info(infoSection)
    return new RegExp(`^${infoKey}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? null
  } catch {
    return null
  }
}

/**
 * Checks, when a worker starts, the Redis settings the queues depend on.
 * BullMQ requires `maxmemory-policy noeviction`: any other policy lets
 * Redis drop queued jobs and their locks when memory runs short, silently.
 * Without the append-only file (`appendonly yes`), a restart loses every
 * queued job. The worker's reconciler (reconciler.ts) recovers sends
 * either way, but queued application mail and webhook wake-ups are lost, so
 * both are said loudly.
 */
export async function checkRedisRequirements(logger: LoggerService, inProduction: boolean) {
  const client = (await queue.getOrSet('default').client) as unknown as RedisClient

  const policy = await setting(client, 'maxmemory-policy', 'memory', 'maxmemory_policy')
  if (policy === null) {
    logger.warn(
      'Could not read Redis maxmemory-policy (CONFIG GET and INFO refused): make sure it is "noeviction", as the queues require'
    )
  } else if (policy !== 'noeviction') {
    logger.error(
      `Redis maxmemory-policy is "${policy}": it must be "noeviction", or Redis may evict queued jobs when memory runs short. Set "maxmemory-policy noeviction" in redis.conf (README, "Running in production").`
    )
  }

  const appendOnly = await setting(client, 'appendonly', 'persistence', 'aof_enabled')
  if (appendOnly === 'no' || appendOnly === '0') {
    const say = inProduction ? logger.warn.bind(logger) : logger.info.bind(logger)
    say(
      'Redis runs without its append-only file ("appendonly no"): a Redis restart loses queued jobs. Sends are queued again by the workers, queued application mail is lost. Set "appendonly yes" in production.'
    )
  }
}
