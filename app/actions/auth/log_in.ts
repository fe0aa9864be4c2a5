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

/**
 * Failed attempts are counted per email and per IP; either counter over its
 * limit blocks further attempts for the window. A success clears the
 * email's counter.
 */
const throttles = () => [
  {
    limiter: limiter.use({
      requests: accountsConfig.login.attemptsPerEmail,
      duration: '15 mins',
      blockDuration: '15 mins',
    }),
    prefix: 'login:email:',
  },
  {
    limiter: limiter.use({
      requests: accountsConfig.login.attemptsPerIp,
      duration: '15 mins',
      blockDuration: '15 mins',
    }),
    prefix: 'login:ip:',
  },
]

export default class LogIn {
  /**
   * Checks the credentials. Throws LoginThrottledError, AccountBlockedError or
   * the auth package's E_INVALID_CREDENTIALS.
   */
  static async handle({ email, password, ip }: { email: string; password: string; ip: string }) {
    const keyed = throttles().map(({ limiter: l, prefix }, index) => ({
      limiter: l,
      key: prefix + (index === 0 ? email : ip),
    }))

    for (const { limiter: l, key } of keyed) {
      if (await l.isBlocked(key)) {
        throw new LoginThrottledError(await l.availableIn(key))
      }
    }

    let user: User
    try {
      user = await User.verifyCredentials(email, password)
    } catch (error) {
      if (!(error instanceof authErrors.E_INVALID_CREDENTIALS)) throw error
      const responses = await Promise.all(keyed.map(({ limiter: l, key }) => l.increment(key)))
      const exhausted = responses.find((response) => response.remaining <= 0)
      if (exhausted) {
        await Promise.all(
          keyed.map(
            ({ limiter: l, key }, i) => responses[i].remaining <= 0 && l.block(key, '15 mins')
          )
        )
        throw new LoginThrottledError(exhausted.availableIn)
      }
      throw error
    }

    if (user.isBlocked) throw new AccountBlockedError()

    await keyed[0].limiter.delete(keyed[0].key)
    user.lastLoginAt = DateTime.now()
    await user.save()
    return user
  }
}
