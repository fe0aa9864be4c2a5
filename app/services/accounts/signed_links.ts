import { createHash } from 'node:crypto'
import router from '@adonisjs/core/services/router'
import { appUrl } from '#config/app'
import type User from '#models/user'

export const EMAIL_VERIFICATION_TTL = '24h'
export const PASSWORD_RESET_TTL_MINUTES = 60

/**
 * A short digest of the address being verified: a link sent to an old
 * address stops working once the user changes it.
 */
export function emailDigest(email: string) {
  return createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 20)
}

/**
 * Absolute, signed URLs for the links we send by email.
 */
export const signedLinks = {
  emailVerification(user: User) {
    return router
      .builder()
      .prefixUrl(appUrl)
      .params({ id: user.id, digest: emailDigest(user.email) })
      .makeSigned('email_verification.verify', {
        expiresIn: EMAIL_VERIFICATION_TTL,
        purpose: 'verify-email',
      })
  },

  passwordReset(token: string) {
    return router
      .builder()
      .prefixUrl(appUrl)
      .params({ token })
      .makeSigned('password_reset.edit', {
        expiresIn: `${PASSWORD_RESET_TTL_MINUTES}m`,
        purpose: 'reset-password',
      })
  },
}
