import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import mail from '@adonisjs/mail/services/main'
import User from '#models/user'
import PasswordResetToken from '#models/password_reset_token'
import ResetPasswordNotification from '#mails/reset_password_notification'
import { PASSWORD_RESET_TTL_MINUTES, signedLinks } from '#services/accounts/signed_links'
import { allowAccountMail } from '#services/accounts/mail_limits'

/**
 * Mails a single-use reset link to the address if an account has it, within
 * the account-mail limits. Says nothing either way, so the form cannot be
 * used to probe for accounts.
 */
export default class RequestPasswordReset {
  static async handle(email: string, { ip }: { ip: string }) {
    const user = await User.findBy('email', email)
    if (!user || user.isBlocked) return
    if (!(await allowAccountMail({ to: user.email, userId: user.id, ip }))) return

    const token = randomBytes(32).toString('base64url')
    await PasswordResetToken.create({
      userId: user.id,
      tokenHash: PasswordResetToken.hashOf(token),
      expiresAt: DateTime.now().plus({ minutes: PASSWORD_RESET_TTL_MINUTES }),
    })

    await mail.sendLater(
      new ResetPasswordNotification({
        email: user.email,
        firstName: user.firstName,
        resetUrl: signedLinks.passwordReset(token),
      })
    )
  }
}
