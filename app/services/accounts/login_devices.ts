import { randomBytes } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import accountsConfig from '#config/accounts'

/**
 * OWASP's "device cookie": after a successful log-in the browser gets an
 * encrypted, long-lived cookie naming the email and a random token. A
 * log-in attempt carrying a valid one for its email comes from a browser
 * the owner used before: it is counted in that token's own bucket and is
 * not refused by the email's lock-out, which only untrusted browsers run
 * into. So five wrong passwords from strangers no longer lock the owner out
 * (issue 11), while strangers still get five guesses per lock.
 *
 * One cookie per browser, holding the last few accounts logged in from it.
 */
const COOKIE = 'login_devices'
const ACCOUNTS_PER_BROWSER = 5

interface DeviceEntry {
  email: string
  token: string
}

function entries(request: HttpContext['request']): DeviceEntry[] {
  const value: unknown = request.encryptedCookie(COOKIE)
  if (!Array.isArray(value)) return []
  return value.filter(
    (entry): entry is DeviceEntry =>
      typeof entry?.email === 'string' && typeof entry?.token === 'string'
  )
}

export const loginDevices = {
  /**
   * The token this browser holds for `email`, if it logged in as it before.
   */
  tokenFor(request: HttpContext['request'], email: string) {
    return entries(request).find((entry) => entry.email === email.toLowerCase())?.token
  },

  /**
   * After a successful log-in: a new token for the email (the old one, if
   * any, is dropped with whatever it had counted).
   */
  remember({ request, response }: Pick<HttpContext, 'request' | 'response'>, email: string) {
    const others = entries(request).filter((entry) => entry.email !== email.toLowerCase())
    const fresh = { email: email.toLowerCase(), token: randomBytes(18).toString('base64url') }
    response.encryptedCookie(COOKIE, [fresh, ...others].slice(0, ACCOUNTS_PER_BROWSER), {
      maxAge: accountsConfig.login.deviceCookieMaxAge,
      // Only the log-in form needs it.
      path: '/login',
      httpOnly: true,
      sameSite: 'lax',
    })
  },
}
