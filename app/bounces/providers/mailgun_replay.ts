import redis from '@adonisjs/redis/services/main'

/**
 * Mailgun's replay protection: each signed request carries a random token,
 * and a token is taken once. The signature's timestamp alone cannot bound
 * replays, because Mailgun retries a request it did not get a 200 for with
 * the same signed body for 8 hours (10 min, 10 min, 15 min, 30 min, 1 h,
 * 2 h, 4 h): the timestamp tolerance for Mailgun covers that window
 * (config/bounces.ts), and the tokens are kept as long.
 *
 * A token is only spent by a 200: a 503 (our send not settled yet) or a
 * 500 frees it, so the retry is taken and the report is not lost. Only
 * signed requests reach here, so the keys kept are bounded by Mailgun's
 * own volume (one short key a delivery event, for toleranceSeconds).
 */
const PREFIX = 'bounce-webhooks:mailgun-token:'

/**
 * While a request with this token is being recorded, a second copy is
 * answered 409 too (Mailgun does not send one concurrently; an attacker's
 * copy must not race the genuine one).
 */
const IN_PROGRESS_SECONDS = 60

export type ReplayGuarded<T> = { replayed: true } | { replayed: false; result: T }

/**
 * Runs `work` unless this token was already taken; keeps the token if
 * `accepted(result)` (the request is answered 200), frees it otherwise
 * (and when `work` throws).
 */
export async function onceForToken<T>(
  token: string,
  keepSeconds: number,
  work: () => Promise<T>,
  accepted: (result: T) => boolean
): Promise<ReplayGuarded<T>> {
  const key = `${PREFIX}${token}`
  const claimed = await redis.set(key, 'pending', 'EX', IN_PROGRESS_SECONDS, 'NX')
  if (!claimed) return { replayed: true }
  let result: T
  try {
    result = await work()
  } catch (error) {
    await redis.del(key)
    throw error
  }
  if (accepted(result)) await redis.set(key, 'taken', 'EX', keepSeconds)
  else await redis.del(key)
  return { replayed: false, result }
}
