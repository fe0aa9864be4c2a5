import SignupForm from '#models/signup_form'
import { askedAttributesOf } from '#audiences/signup_forms'
import { SIGNUP_TOKEN_PATTERN } from '#audiences/signup_links'

/**
 * The enabled form behind a public token, with its workspace and what it
 * asks; null for an unknown, malformed or disabled one, and for a form of a
 * workspace whose people are all blocked (all answer 404): blocking stops a
 * workspace's mailings, and must stop its forms mailing strangers too.
 */
export default class FindPublicSignupForm {
  static async handle(token: string) {
    if (!SIGNUP_TOKEN_PATTERN.test(token)) return null
    const form = await SignupForm.query()
      .where('public_token', token)
      .where('is_enabled', true)
      .whereExists((user) =>
        user
          .from('users')
          .whereColumn('users.tenant_id', 'signup_forms.tenant_id')
          .whereNull('users.blocked_at')
      )
      .preload('tenant')
      .first()
    if (!form) return null
    return { form, asked: await askedAttributesOf(form) }
  }
}
