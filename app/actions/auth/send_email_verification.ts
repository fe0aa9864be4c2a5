import mail from '@adonisjs/mail/services/main'
import VerifyEmailNotification from '#mails/verify_email_notification'
import { signedLinks } from '#services/signed_links'
import type User from '#models/user'

export default class SendEmailVerification {
  static async handle(user: User) {
    await mail.sendLater(
      new VerifyEmailNotification({
        email: user.email,
        firstName: user.firstName,
        verificationUrl: signedLinks.emailVerification(user),
      })
    )
  }
}
