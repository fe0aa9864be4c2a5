import logger from '@adonisjs/core/services/logger'
import limiter from '@adonisjs/limiter/services/main'
import redis from '@adonisjs/redis/services/main'
import preferencesConfig from '#config/preferences'
import { networkKey } from '#services/http/client_networks'
import { takeAllOrRefusal } from '#services/accounts/mail_limits'

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
 * the reconnects and failing. That holds whether the connection says so
 * (not ready) or a command fails while it still claims to be ready (a
 * timeout, a connection lost mid-command). What an outage lets through is
 * bounded anyway (a save rewrites one client's topics).
 */
export async function takePreferenceSave(
  client: { id: number; tenantId: number },
  ip: string
): Promise<number | null> {
  if (redis.connection().status !== 'ready') return uncounted('Redis is away')
  const { perToken, perIp, windowSeconds } = preferencesConfig.rateLimit
  const policy = `${perToken}/${perIp}/${windowSeconds}`
  const buckets = [
    { requests: perToken, key: `preferences:${policy}:client:${client.tenantId}:${client.id}` },
    { requests: perIp, key: `preferences:${policy}:ip:${networkKey(ip)}` },
  ].map(({ requests, key }) => ({
    limiter: limiter.use({ requests, duration: windowSeconds }),
    key,
  }))
  try {
    const refusal = await takeAllOrRefusal(buckets)
    return refusal ? refusal.availableIn : null
  } catch (error) {
    return uncounted(error instanceof Error ? error.message : String(error))
  }
}

function uncounted(why: string) {
  logger.warn({ why }, 'A preference save is not counted against its limits')
  return null
}
