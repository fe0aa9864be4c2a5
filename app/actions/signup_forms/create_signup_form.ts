import { rememberConsentText } from '#audiences/consent_texts'
import type Tenant from '#models/tenant'
import SignupForm from '#models/signup_form'
import type { SignupFormData } from '#validators/signup_form'
import { replaceFormChoices, signupFormSettings } from '#audiences/signup_forms'
import { newSignupFormToken } from '#audiences/signup_links'
import { writeTransaction } from '#services/database/write_transaction'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'

/**
 * A new sign-up form with a fresh public token, the tags it gives (missing
 * ones created) and the attributes it asks. Throws TagLimitError
 * (#audiences/client_tags) when its new tags would pass the workspace's
 * limit; nothing is saved then.
 */
export default class CreateSignupForm {
  static async handle({
    actor,
    tenant,
    data,
  }: {
    actor: Actor
    tenant: Tenant
    data: SignupFormData
  }) {
    const { columns, choices } = signupFormSettings(data)
    return writeTransaction(async (trx) => {
      const form = await SignupForm.create(
        { ...columns, tenantId: tenant.id, publicToken: newSignupFormToken() },
        { client: trx }
      )
      await replaceFormChoices(form, choices, trx)
      await rememberConsentText(form, trx)
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'signup_form.create',
          subject: { type: 'signup_form', id: form.id, label: form.name },
        },
        trx
      )
      return form
    })
  }
}
