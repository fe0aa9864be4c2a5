import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import type SignupForm from '#models/signup_form'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import { askedAttributesOf, tagNamesOf } from '#audiences/signup_forms'
import { signupFormSnippet } from '#audiences/signup_snippet'
import { signupFormUrl } from '#audiences/signup_links'

/**
 * What the form editor shows: every attribute of the workspace (to ask or
 * not), and for a saved form what it gives and asks, its public address,
 * the snippet to paste and how many sign-ups it brought.
 */
export default class LoadSignupFormEditor {
  static async handle(tenant: Tenant, form?: SignupForm) {
    const byKey = await attributeDefinitionsOf(tenant.id)
    const definitions = [...byKey.values()]
    if (!form) return { definitions, tagNames: [], asked: [], saved: null }

    const [tagNames, asked, [counts]] = await Promise.all([
      tagNamesOf(form),
      askedAttributesOf(form),
      db
        .from('consents')
        .where('signup_form_id', form.id)
        .select(db.raw('count(*) as total'), db.raw('count(confirmed_at) as confirmed')),
    ])
    return {
      definitions,
      tagNames,
      asked,
      saved: {
        url: signupFormUrl(form),
        snippet: signupFormSnippet(form, asked),
        signups: Number(counts.total),
        confirmed: Number(counts.confirmed),
      },
    }
  }
}
