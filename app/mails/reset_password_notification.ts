import { BaseMail } from '@adonisjs/mail'

export interface ResetPasswordData {
  email: string
  firstName: string
  resetUrl: string
}

export default class ResetPasswordNotification extends BaseMail {
  subject = 'Reset your Mailings password'

  constructor(private data: ResetPasswordData) {
    super()
  }

  prepare() {
    this.message
      .to(this.data.email)
      .htmlView('emails/reset_password_html', this.data)
      .textView('emails/reset_password_text', this.data)
  }
}
