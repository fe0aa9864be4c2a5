import logger from '@adonisjs/core/services/logger'
import limiter from '@adonisjs/limiter/services/main'
import redis from '@adonisjs/redis/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import preferencesConfig from '#config/preferences'
import { networkKey } from '#services/http/client_networks'

/**
 * Takes one save of the preference page from the link's bucket (counted by
 * the client it names: one link per client, and no token kept in Redis)
 * and the client network's. Returns null when the save may go ahead, or the seconds
 * to wait. A refused save uses up nobody's allowance (the buckets taken
 * before the full one are given back). The keys name the policy, so a
 * changed limit starts fresh buckets.
 *
 * While Redis is away the save goes uncounted: the page works on the
 * database alone, like the one-click unsubscribe, instead of waiting out
 * the reconnects and failing. What an outage lets through is bounded anyway
 * (a save rewrites one client's topics).
 */
export async function takePreferenceSave(
  client: { id: number; tenantId: number },
  ip: string
): Promise<number | null> {
  if (redis.connection().status !== 'ready') {
    logger.warn('Redis is away: a preference save is not counted against its limits')
    return null
  }
  const { perToken, perIp, windowSeconds } = preferencesConfig.rateLimit
  const policy = `${perToken}/${perIp}/${windowSeconds}`
  const buckets = [
    { requests: perToken, key: `preferences:${policy}:client:${client.tenantId}:${client.id}` },
    { requests: perIp, key: `preferences:${policy}:ip:${networkKey(ip)}` },
  ].map(({ requests, key }) => ({
    bucket: limiter.use({ requests, duration: windowSeconds }),
    key,
  }))

  const taken: typeof buckets = []
  for (const entry of buckets) {
    try {
      await entry.bucket.consume(entry.key)
      taken.push(entry)
    } catch (error) {
      if (!(error instanceof limiterErrors.E_TOO_MANY_REQUESTS)) throw error
      await Promise.all(taken.map(({ bucket, key }) => bucket.decrement(key)))
      return Math.max(1, error.response.availableIn)
    }
  }
  return null
}
