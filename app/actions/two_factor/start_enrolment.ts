import type User from '#models/user'
import { newTotpSecret, openSecret, sealSecret } from '#two_factor/totp'

/**
 * The user begins setting up two-factor log-in: a new secret for their app
 * (stored encrypted), which counts only once they confirm a code from it.
 * Returns the secret in clear for the QR code and the text beside it.
 */
export default class StartEnrolment {
  static async handle(user: User) {
    if (user.hasTwoFactor) return openSecret(user.twoFactorSecret)!
    const secret = newTotpSecret()
    user.twoFactorSecret = sealSecret(secret)
    user.twoFactorLastTimeStep = null
    await user.save()
    return secret
  }
}
