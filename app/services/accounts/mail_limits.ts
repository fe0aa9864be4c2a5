import limiter from '@adonisjs/limiter/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import accountsConfig from '#config/accounts'
import { networkKey } from '#services/http/client_networks'

/**
 * Who asked for an account email and who receives it. `userId` is the
 * account the mail is about, when there is one.
 */
export interface MailRequest {
  to: string
  ip: string
  userId?: number | null
}

/**
 * The one gate for the emails anyone can make the app send (sign-up
 * confirmation, "send again", password reset, "you already have an
 * account"): at most so many per target address, per account and per client
 * IP in a window, counted in Redis. Without it the forms were a way to flood
 * a stranger's inbox from our servers. Callers answer the same words whether
 * the mail went or not, so the limit reveals nothing about accounts either.
 *
 * Returns whether the mail may be sent, and counts it if so.
 */
export async function allowAccountMail({ to, ip, userId }: MailRequest): Promise<boolean> {
  const { perAddress, perUser, perIp, windowSeconds } = accountsConfig.mail
  const buckets = [
    { requests: perAddress, key: `mail:address:${to.toLowerCase()}` },
    ...(userId ? [{ requests: perUser, key: `mail:user:${userId}` }] : []),
    { requests: perIp, key: `mail:ip:${networkKey(ip)}` },
  ].map(({ requests, key }) => ({
    limiter: limiter.use({ requests, duration: windowSeconds }),
    key,
  }))
  return takeAllOrNone(buckets)
}

/**
 * A rate-limit bucket: a limiter and the key counted in it.
 */
export interface LimitBucket {
  limiter: ReturnType<typeof limiter.use>
  key: string
}

/**
 * Takes one from every bucket, or from none: each bucket is taken
 * atomically, and when a later one is full the earlier ones are given back,
 * so a refused mail uses up nobody's allowance. Returns whether all were
 * taken.
 */
export async function takeAllOrNone(buckets: LimitBucket[]): Promise<boolean> {
  return (await takeAllOrRefusal(buckets)) === null
}

/**
 * What refused a takeAllOrNone: the full bucket (its index in the list) and
 * the seconds until it has room again.
 */
export interface LimitRefusal {
  index: number
  availableIn: number
}

/**
 * takeAllOrNone, telling which bucket was full: null when all were taken.
 * Other errors (Redis away) are thrown, after nothing is given back (the
 * caller decides whether to fail open or closed).
 */
export async function takeAllOrRefusal(buckets: LimitBucket[]): Promise<LimitRefusal | null> {
  const taken: LimitBucket[] = []
  for (const [index, bucket] of buckets.entries()) {
    try {
      await bucket.limiter.consume(bucket.key)
      taken.push(bucket)
    } catch (error) {
      if (!(error instanceof limiterErrors.E_TOO_MANY_REQUESTS)) throw error
      await Promise.all(taken.map(({ limiter: l, key }) => l.decrement(key)))
      return { index, availableIn: Math.max(1, error.response.availableIn) }
    }
  }
  return null
}
