import type Tenant from '#models/tenant'
import { mailShortfallsOf } from '#audiences/signup_mail_shortfalls'

/**
 * The workspace's sign-up forms, by name (a workspace has a handful), and
 * how many sign-ups of each went without a confirmation mail lately.
 */
export default class ListSignupForms {
  static async handle(tenant: Tenant) {
    const forms = await tenant.related('signupForms').query().orderBy('name').orderBy('id')
    const shortfalls = await mailShortfallsOf(
      tenant.id,
      forms.map((form) => form.id)
    )
    return forms.map((form) => ({ form, unmailed: shortfalls.get(form.id) ?? 0 }))
  }
}
