import { BaseMail } from '@adonisjs/mail'

export interface VerifyEmailData {
  email: string
  firstName: string
  verificationUrl: string
}

export default class VerifyEmailNotification extends BaseMail {
  subject = 'Confirm your email address for Mailings'

  constructor(private data: VerifyEmailData) {
    super()
  }

  prepare() {
    this.message
      .to(this.data.email)
      .htmlView('emails/verify_email_html', this.data)
      .textView('emails/verify_email_text', this.data)
  }
}
