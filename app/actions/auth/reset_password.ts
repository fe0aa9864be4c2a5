import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import PasswordResetToken from '#models/password_reset_token'
import { sqlTime } from '#services/database/sql_time'
import EndSessions from '#actions/auth/end_sessions'
import { affectedRows } from '#services/database/affected_rows'

/**
 * Sets the new password, burns the token (and every other outstanding
 * token of that user) and ends all the user's sessions and "remember me"
 * tokens, in one transaction. Returns the user, or null for a used,
 * expired or unknown token.
 */
export default class ResetPassword {
  static async handle(token: string, password: string) {
    return db.transaction(async (trx) => {
      const resetToken = await PasswordResetToken.findUsable(token, trx)
      if (!resetToken) return null

      // Claiming the token with a conditional update makes two simultaneous
      // submissions of the same link succeed at most once.
      const claimed = await trx
        .from('password_reset_tokens')
        .where('id', resetToken.id)
        .whereNull('used_at')
        .update({ used_at: sqlTime() })
      if (affectedRows(claimed) !== 1) return null

      const user = resetToken.user
      user.useTransaction(trx)
      user.password = password
      // Following the link proves the address is the user's.
      user.emailVerifiedAt ??= DateTime.now()
      await user.save()

      await trx
        .from('password_reset_tokens')
        .where('user_id', user.id)
        .whereNull('used_at')
        .update({ used_at: sqlTime() })
      // Whoever knew the old password may be logged in: every session ends.
      await EndSessions.handle(user, { client: trx })
      return user
    })
  }
}
