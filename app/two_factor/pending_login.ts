import { createHash } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'

/**
 * Between the right password and the second factor the user is NOT logged
 * in: the session only remembers who passed the first step (and their
 * "remember me" choice) for ten minutes. The session id changes when the
 * log-in completes, as with any log-in. It also keeps a fingerprint of the
 * password the step was passed with: once the password changes (a reset by
 * its owner), a first step passed with the old one is worth nothing.
 */
const KEY = 'two_factor_pending'
const LIFETIME_MS = 10 * 60 * 1000

interface Pending {
  userId: number
  rememberMe: boolean
  startedAt: number
  passwordPrint: string
}

/**
 * A short digest of the stored password hash: tells whether it changed,
 * says nothing of it (and the session is on the server anyway).
 */
function passwordPrint(user: User) {
  return createHash('sha256').update(user.password).digest('hex').slice(0, 16)
}

type Session = HttpContext['session']

export const pendingLogin = {
  start(session: Session, user: User, rememberMe: boolean) {
    session.put(KEY, {
      userId: user.id,
      rememberMe,
      startedAt: Date.now(),
      passwordPrint: passwordPrint(user),
    } satisfies Pending)
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
    if (
      !user ||
      user.isBlocked ||
      !user.hasTwoFactor ||
      pending.passwordPrint !== passwordPrint(user)
    ) {
      session.forget(KEY)
      return null
    }
    return { user, rememberMe: !!pending.rememberMe }
  },

  clear(session: Session) {
    session.forget(KEY)
  },
}
