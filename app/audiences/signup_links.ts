import { randomInt } from 'node:crypto'
import { DateTime } from 'luxon'
import router from '@adonisjs/core/services/router'
import type { Request } from '@adonisjs/core/http'
import { appUrl } from '#config/app'
import signupFormsConfig from '#config/signup_forms'

/**
 * The addresses of sign-up forms and of their confirmation links.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
export const SIGNUP_TOKEN_LENGTH = 24
export const SIGNUP_TOKEN_PATTERN = /^[0-9A-Za-z]{24,40}$/

/**
 * A new public token (~143 random bits): the only thing that finds a form
 * from outside, so it is unguessable and never an id. Letters and digits
 * only, to survive being pasted anywhere.
 */
export function newSignupFormToken() {
  let token = ''
  for (let i = 0; i < SIGNUP_TOKEN_LENGTH; i++) token += BASE62[randomInt(BASE62.length)]
  return token
}

/**
 * The hosted page of a form, and where its snippet posts.
 */
export function signupFormUrl(form: { publicToken: string }) {
  return `${appUrl}/f/${form.publicToken}`
}

const PURPOSE = 'signup-confirm'

/**
 * The link of a confirmation mail: signed with APP_KEY for this consent,
 * with its expiry inside what is signed. The expiry is our own `expires`
 * parameter rather than the signature's, so an expired link can be told
 * from a forged one and answered with "ask again" instead of "invalid".
 */
export function signupConfirmationUrl(
  consent: { id: number },
  expiresAt = DateTime.now().plus({ hours: signupFormsConfig.confirmationTtlHours })
) {
  return router
    .builder()
    .prefixUrl(appUrl)
    .params({ id: consent.id })
    .qs({ expires: Math.floor(expiresAt.toSeconds()) })
    .makeSigned('signup_forms.confirm.show', { purpose: PURPOSE })
}

export type ConfirmationLinkState = 'valid' | 'expired' | 'invalid'

/**
 * What the request's confirmation link is worth: its signature covers the
 * consent id and the expiry, so only a link we sent passes.
 */
export function confirmationLinkState(request: Request): ConfirmationLinkState {
  if (!request.hasValidSignature(PURPOSE)) return 'invalid'
  const expires = Number(request.qs().expires)
  if (!Number.isInteger(expires)) return 'invalid'
  return expires * 1000 < Date.now() ? 'expired' : 'valid'
}
