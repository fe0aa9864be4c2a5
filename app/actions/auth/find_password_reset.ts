import PasswordResetToken from '#models/password_reset_token'

/**
 * The reset a mailed link names, while it can still be used (not spent, not
 * expired): what the "choose a new password" page checks before showing
 * its form. ResetPassword checks again when the form is sent.
 */
export default class FindPasswordReset {
  static handle(token: string) {
    return PasswordResetToken.findUsable(token)
  }
}
