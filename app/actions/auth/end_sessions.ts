import db from '@adonisjs/lucid/services/db'
import type { HttpContext } from '@adonisjs/core/http'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type User from '#models/user'
import { endSessions } from '#services/accounts/active_sessions'
import { trustedDevices } from '#two_factor/trusted_devices'

interface Options {
  /** The request whose session stays: the one changing its own password. */
  keep?: HttpContext
  /** The caller's transaction, so the tokens go with its change or not at all. */
  client?: TransactionClientContract
}

/**
 * Ends a user's sessions and deletes all their "remember me" tokens, so
 * neither a copied session cookie nor a copied remember-me cookie opens the
 * account afterwards. The one place for it: a password change and "log out
 * everywhere else" end every session but the asking one, a password reset
 * and a staff block end them all.
 *
 * All tokens go, the asking device's too (a copy of it is as good as the
 * original), and not only those of listed sessions: a remembered device
 * whose session expired is in no list but would log itself back in. If the
 * asking device was remembered, it is logged in again with a fresh token,
 * which also gives its session a new id.
 */
export default class EndSessions {
  static async handle(user: User, { keep, client }: Options = {}) {
    await (client ?? db).from('remember_me_tokens').where('tokenable_id', user.id).delete()
    // Devices remembered for two-factor log-in too: a new password (or a
    // block, or "log out everywhere else") asks every browser for a code again.
    await trustedDevices.forgetAll(user, client)
    const ended = await endSessions(user.id, {
      except: keep?.session.sessionId,
      client,
      reason: user.isBlocked ? 'blocked' : 'ended',
    })

    if (keep) {
      const guard = keep.auth.use('web')
      if (keep.request.encryptedCookie(guard.rememberMeKeyName)) await guard.login(user, true)
    }
    return ended
  }
}
