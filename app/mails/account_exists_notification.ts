import { BaseMail } from '@adonisjs/mail'

export interface AccountExistsData {
  email: string
  firstName: string
  logInUrl: string
  forgotPasswordUrl: string
}

/**
 * Sent instead of a confirmation link when someone signs up with an address
 * that already has an account: the sign-up page answers the same either
 * way, and only the owner of the address learns it is taken.
 */
export default class AccountExistsNotification extends BaseMail {
  subject = 'You already have a Mailings account'

  constructor(private data: AccountExistsData) {
    super()
  }

  prepare() {
    this.message
      .to(this.data.email)
      .htmlView('emails/account_exists_html', this.data)
      .textView('emails/account_exists_text', this.data)
  }
}
