import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type User from '#models/user'
import { endSessions } from '#services/active_sessions'

interface Options {
  /** The session to keep: the one changing its own password. */
  except?: string
  /** The caller's transaction, so the tokens go with its change or not at all. */
  client?: TransactionClientContract
}

/**
 * Ends a user's sessions and deletes all their "remember me" tokens, so
 * neither a copied session cookie nor a copied remember-me cookie opens
 * the account afterwards. The one place for it: a password change ends
 * every session but the changer's, a password reset and a staff block end
 * them all.
 */
export default class EndSessions {
  static async handle(user: User, { except, client }: Options = {}) {
    await (client ?? db).from('remember_me_tokens').where('tokenable_id', user.id).delete()
    return endSessions(user.id, { except })
  }
}
