import SignupForm from '#models/signup_form'
import { askedAttributesOf } from '#audiences/signup_forms'
import { SIGNUP_TOKEN_PATTERN } from '#audiences/signup_links'

/**
 * The enabled form behind a public token, with its workspace and what it
 * asks; null for an unknown or malformed token and for a form not taking
 * sign-ups (disabled, or its workspace's people all blocked): all answer 404.
 */
export default class FindPublicSignupForm {
  static async handle(token: string) {
    if (!SIGNUP_TOKEN_PATTERN.test(token)) return null
    const form = await SignupForm.query()
      .where('public_token', token)
      .withScopes((scopes) => scopes.takingSignups())
      .preload('tenant')
      .first()
    if (!form) return null
    return { form, asked: await askedAttributesOf(form) }
  }
}

/**
 * A form taking sign-ups, with what it asks.
 */
export type PublicSignupForm = NonNullable<Awaited<ReturnType<typeof FindPublicSignupForm.handle>>>
