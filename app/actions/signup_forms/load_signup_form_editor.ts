import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import type SignupForm from '#models/signup_form'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import { askedAttributesOf, tagNamesOf } from '#audiences/signup_forms'
import { signupFormSnippet } from '#audiences/signup_snippet'
import { signupFormUrl } from '#audiences/signup_links'
import { mailShortfallsOf } from '#audiences/signup_mail_shortfalls'

/**
 * What the form editor shows: every attribute of the workspace (to ask or
 * not), and for a saved form what it gives and asks, its public address,
 * the snippet to paste, how many sign-ups it brought and how many of them
 * lately got no confirmation mail (the workspace's hourly limit).
 */
export default class LoadSignupFormEditor {
  static async handle(tenant: Tenant, form?: SignupForm) {
    const byKey = await attributeDefinitionsOf(tenant.id)
    const definitions = [...byKey.values()]
    if (!form) return { definitions, tagNames: [], asked: [], saved: null }

    const [tagNames, asked, [counts], shortfalls] = await Promise.all([
      tagNamesOf(form),
      askedAttributesOf(form),
      db
        .from('consents')
        .where('signup_form_id', form.id)
        .select(db.raw('count(*) as total'), db.raw('count(confirmed_at) as confirmed')),
      mailShortfallsOf(tenant.id, [form.id]),
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
        unmailed: shortfalls.get(form.id) ?? 0,
      },
    }
  }
}
