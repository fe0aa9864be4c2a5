import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'

/**
 * Between the right password and the second factor the user is NOT logged
 * in: the session only remembers who passed the first step (and their
 * "remember me" choice) for ten minutes. The session id changes when the
 * log-in completes, as with any log-in.
 */
const KEY = 'two_factor_pending'
const LIFETIME_MS = 10 * 60 * 1000

interface Pending {
  userId: number
  rememberMe: boolean
  startedAt: number
}

type Session = HttpContext['session']

export const pendingLogin = {
  start(session: Session, user: User, rememberMe: boolean) {
    session.put(KEY, { userId: user.id, rememberMe, startedAt: Date.now() } satisfies Pending)
  },

  /** Who is half-way through logging in, or null (none, or too long ago). */
  async find(session: Session) {
    const pending = session.get(KEY) as Pending | undefined
    if (!pending || typeof pending.userId !== 'number') return null
    if (Date.now() - pending.startedAt > LIFETIME_MS) {
      session.forget(KEY)
      return null
    }
    const user = await User.find(pending.userId)
    if (!user || user.isBlocked || !user.hasTwoFactor) {
      session.forget(KEY)
      return null
    }
    return { user, rememberMe: !!pending.rememberMe }
  },

  clear(session: Session) {
    session.forget(KEY)
  },
}
