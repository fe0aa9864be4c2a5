import { DateTime } from 'luxon'
import limiter from '@adonisjs/limiter/services/main'
import { errors as authErrors } from '@adonisjs/auth'
import accountsConfig from '#config/accounts'
import User from '#models/user'

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
 * Which counters a failed attempt adds to. A browser the owner logged in
 * from before has its own counter, and only that one: it is neither stopped
 * by the lock strangers put on the email nor counted towards it. Any other
 * browser is counted per email and per IP; either counter over its limit
 * refuses such attempts for `lockMinutes`.
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
  if (deviceToken) return [counter(attemptsPerDevice, `login:device:${deviceToken}`)]
  return [
    counter(attemptsPerEmail, `login:email:${email}`),
    counter(attemptsPerIp, `login:ip:${ip}`),
  ]
}

export default class LogIn {
  /**
   * Checks the credentials. Throws LoginThrottledError, AccountBlockedError or
   * the auth package's E_INVALID_CREDENTIALS.
   */
  static async handle(attempt: LogInAttempt) {
    const keyed = counters(attempt)
    const { lockMinutes } = accountsConfig.login

    for (const { limiter: l, key } of keyed) {
      if (await l.isBlocked(key)) {
        throw new LoginThrottledError(await l.availableIn(key))
      }
    }

    let user: User
    try {
      user = await User.verifyCredentials(attempt.email, attempt.password)
    } catch (error) {
      if (!(error instanceof authErrors.E_INVALID_CREDENTIALS)) throw error
      const responses = await Promise.all(keyed.map(({ limiter: l, key }) => l.increment(key)))
      const exhausted = responses.find((response) => response.remaining <= 0)
      if (exhausted) {
        await Promise.all(
          keyed.map(
            ({ limiter: l, key }, i) =>
              responses[i].remaining <= 0 && l.block(key, `${lockMinutes} mins`)
          )
        )
        throw new LoginThrottledError(exhausted.availableIn)
      }
      throw error
    }

    if (user.isBlocked) throw new AccountBlockedError()

    // The first counter is the email's (or the device's): a success clears it.
    await keyed[0].limiter.delete(keyed[0].key)
    user.lastLoginAt = DateTime.now()
    await user.save()
    return user
  }
}
