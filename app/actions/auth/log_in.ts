import { DateTime } from 'luxon'
import limiter from '@adonisjs/limiter/services/main'
import { errors as authErrors } from '@adonisjs/auth'
import accountsConfig from '#config/accounts'
import User from '#models/user'
import { networkKey } from '#services/http/client_networks'

export class LoginThrottledError extends Error {
  constructor(public retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
    super(
      `Too many log-in attempts. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`
    )
  }
}

export class AccountBlockedError extends Error {
  constructor() {
    super('This account has been blocked. Contact support if you think this is a mistake.')
  }
}

export interface LogInAttempt {
  email: string
  password: string
  /** The client's IP, as checked against TRUSTED_PROXIES. */
  ip: string
  /**
   * The device token the browser holds for this email (login_devices.ts):
   * it logged in as this email before.
   */
  deviceToken?: string
}

/**
 * Which counters an attempt adds to. A browser the owner logged in from
 * before has its own counter, and only that one: it is neither stopped by
 * the lock strangers put on the email nor counted towards it. Any other
 * browser is counted per email and per network (client_networks.ts); either
 * counter over its limit refuses such attempts for `lockMinutes`.
 */
function counters({ email, ip, deviceToken }: LogInAttempt) {
  const { attemptsPerEmail, attemptsPerIp, attemptsPerDevice, lockMinutes } = accountsConfig.login
  const counter = (requests: number, key: string) => ({
    limiter: limiter.use({
      requests,
      duration: `${lockMinutes} mins`,
      blockDuration: `${lockMinutes} mins`,
    }),
    key,
  })
  if (deviceToken) {
    return { account: counter(attemptsPerDevice, `login:device:${deviceToken}`), network: null }
  }
  return {
    account: counter(attemptsPerEmail, `login:email:${email}`),
    network: counter(attemptsPerIp, `login:ip:${networkKey(ip)}`),
  }
}

export default class LogIn {
  /**
   * Checks the credentials. Throws LoginThrottledError, AccountBlockedError or
   * the auth package's E_INVALID_CREDENTIALS.
   */
  static async handle(attempt: LogInAttempt) {
    const { account, network } = counters(attempt)
    const keyed = network ? [account, network] : [account]
    const lock = `${accountsConfig.login.lockMinutes} mins`

    for (const { limiter: l, key } of keyed) {
      if (await l.isBlocked(key)) {
        throw new LoginThrottledError(await l.availableIn(key))
      }
    }

    // Counted before the password is checked, atomically in Redis: checking
    // a password takes a hash (~100 ms), and counting only failures after it
    // let a burst of parallel guesses all pass the check above.
    const counts = await Promise.all(keyed.map(({ limiter: l, key }) => l.increment(key)))
    const lockWhere = async (full: (count: (typeof counts)[number]) => boolean) => {
      const hit = counts.findIndex(full)
      if (hit === -1) return
      await Promise.all(
        keyed.map(({ limiter: l, key }, i) => full(counts[i]) && l.block(key, lock))
      )
      throw new LoginThrottledError(counts[hit].availableIn)
    }
    // Past the allowance: refused without trying the password.
    await lockWhere((count) => count.consumed > count.limit)

    let user: User
    try {
      user = await User.verifyCredentials(attempt.email, attempt.password)
    } catch (error) {
      if (!(error instanceof authErrors.E_INVALID_CREDENTIALS)) throw error
      // The last allowed attempt failed too: lock now.
      await lockWhere((count) => count.consumed >= count.limit)
      throw error
    }

    // The right password is no failed attempt: the account's count starts
    // over, and the network gets its attempt back.
    await account.limiter.delete(account.key)
    if (network) await network.limiter.decrement(network.key)

    if (user.isBlocked) throw new AccountBlockedError()
    user.lastLoginAt = DateTime.now()
    await user.save()
    return user
  }
}
