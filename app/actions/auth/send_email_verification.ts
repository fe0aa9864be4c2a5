import mail from '@adonisjs/mail/services/main'
import VerifyEmailNotification from '#mails/verify_email_notification'
import { signedLinks } from '#services/accounts/signed_links'
import { allowAccountMail } from '#services/accounts/mail_limits'
import type User from '#models/user'

export default class SendEmailVerification {
  /**
   * Mails a confirmation link, within the account-mail limits. Returns
   * whether it was sent.
   */
  static async handle(user: User, { ip }: { ip: string }) {
    if (!(await allowAccountMail({ to: user.email, userId: user.id, ip }))) return false
    await mail.sendLater(
      new VerifyEmailNotification({
        email: user.email,
        firstName: user.firstName,
        verificationUrl: signedLinks.emailVerification(user),
      })
    )
    return true
  }
}
