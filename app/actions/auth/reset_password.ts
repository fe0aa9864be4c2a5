import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import PasswordResetToken from '#models/password_reset_token'
import { hashResetToken } from '#actions/auth/request_password_reset'

/**
 * Finds the unused, unexpired reset token for a link.
 */
export async function findUsableResetToken(token: string) {
  return PasswordResetToken.query()
    .where('token_hash', hashResetToken(token))
    .whereNull('used_at')
    .where('expires_at', '>', DateTime.now().toSQL({ includeOffset: false })!)
    .preload('user')
    .first()
}

/**
 * Sets the new password and burns the token (and every other outstanding
 * token of that user), in one transaction. Returns false for a used,
 * expired or unknown token.
 */
export default class ResetPassword {
  static async handle(token: string, password: string) {
    return db.transaction(async (trx) => {
      const resetToken = await findUsableResetToken(token)
      if (!resetToken) return false

      const user = resetToken.user
      user.useTransaction(trx)
      user.password = password
      // Following the link proves the address is the user's.
      user.emailVerifiedAt ??= DateTime.now()
      await user.save()

      await PasswordResetToken.query({ client: trx })
        .where('user_id', user.id)
        .whereNull('used_at')
        .update({ used_at: DateTime.now().toSQL({ includeOffset: false }) })
      return true
    })
  }
}
