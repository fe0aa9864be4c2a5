import { DateTime } from 'luxon'
import User from '#models/user'
import { emailDigest } from '#services/accounts/signed_links'

/**
 * Marks the address verified when the link's user still has the address
 * the link was sent to. Returns the user, or null for a stale link.
 */
export default class VerifyEmail {
  static async handle(userId: number, digest: string) {
    const user = await User.find(userId)
    if (!user || emailDigest(user.email) !== digest) return null

    if (!user.isVerified) {
      user.emailVerifiedAt = DateTime.now()
      await user.save()
    }
    return user
  }
}
