import { createHash, randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import type { HttpContext } from '@adonisjs/core/http'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import db from '@adonisjs/lucid/services/db'
import TrustedDevice from '#models/trusted_device'
import type User from '#models/user'
import { twoFactorClock } from '#two_factor/clock'
import { sqlTime } from '#services/database/sql_time'

/**
 * "Remember this device for 30 days": the browser gets an encrypted,
 * httpOnly cookie with a random secret per account (a shared computer may
 * remember a few); the server keeps its sha256 with an expiry that does not
 * move. A log-in from such a browser skips the code until then.
 */
const COOKIE = 'two_factor_devices'
export const TRUSTED_DAYS = 30
const ACCOUNTS_PER_BROWSER = 5

interface Entry {
  userId: number
  token: string
}

function tokenHash(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

function entries(request: HttpContext['request']): Entry[] {
  const value: unknown = request.encryptedCookie(COOKIE)
  if (!Array.isArray(value)) return []
  return value.filter(
    (entry): entry is Entry => typeof entry?.userId === 'number' && typeof entry?.token === 'string'
  )
}

export const trustedDevices = {
  /**
   * Whether this browser is a device `user` chose to remember, not expired.
   */
  async recognises({ request }: Pick<HttpContext, 'request'>, user: User) {
    const entry = entries(request).find((candidate) => candidate.userId === user.id)
    if (!entry) return false
    const now = DateTime.fromMillis(twoFactorClock.now())
    const device = await TrustedDevice.query()
      .where('user_id', user.id)
      .where('token_hash', tokenHash(entry.token))
      .where('expires_at', '>', sqlTime(now))
      .first()
    if (!device) return false
    device.lastUsedAt = now
    await device.save()
    return true
  },

  /**
   * Remembers the browser of this request for `user` for 30 days.
   */
  async remember({ request, response }: Pick<HttpContext, 'request' | 'response'>, user: User) {
    const token = randomBytes(32).toString('base64url')
    const now = DateTime.fromMillis(twoFactorClock.now())
    await TrustedDevice.create({
      userId: user.id,
      tokenHash: tokenHash(token),
      userAgent: request.header('user-agent')?.slice(0, 300) ?? null,
      ip: request.ip(),
      expiresAt: now.plus({ days: TRUSTED_DAYS }),
      createdAt: now,
    })
    const others = entries(request).filter((entry) => entry.userId !== user.id)
    response.encryptedCookie(
      COOKIE,
      [{ userId: user.id, token }, ...others].slice(0, ACCOUNTS_PER_BROWSER),
      {
        maxAge: `${TRUSTED_DAYS}d`,
        // Only the log-in pages read it.
        path: '/login',
        httpOnly: true,
        sameSite: 'lax',
      }
    )
  },

  /** Every remembered device of the user goes (2FA off, a new password). */
  async forgetAll(user: Pick<User, 'id'>, client?: TransactionClientContract) {
    await (client ?? db).from('trusted_devices').where('user_id', user.id).delete()
  },
}
