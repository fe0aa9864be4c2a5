import { rememberConsentText } from '#audiences/consent_texts'
import type SignupForm from '#models/signup_form'
import type { SignupFormData } from '#validators/signup_form'
import { replaceFormChoices, signupFormSettings } from '#audiences/signup_forms'
import { writeTransaction } from '#services/database/write_transaction'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'

/**
 * Saves a form's settings, tags and attributes. Sign-ups already waiting
 * for their confirmation keep the words they were shown (their consent),
 * and so do sign-ups from a page or snippet showing the former consent
 * text (every version is kept, #audiences/consent_texts);
 * they get the tags the form gives when they confirm. Throws TagLimitError
 * as CreateSignupForm does.
 */
export default class UpdateSignupForm {
  static async handle({
    actor,
    form,
    data,
  }: {
    actor: Actor
    form: SignupForm
    data: SignupFormData
  }) {
    const { columns, choices } = signupFormSettings(data)
    await writeTransaction(async (trx) => {
      // The text it had stays known: pages and snippets showing it still
      // post. Stored here too, not only when it was first saved: a form
      // saved by a process predating the versions has none stored.
      await rememberConsentText({ id: form.id, consentText: form.consentText }, trx)
      form.useTransaction(trx)
      await form.merge(columns).save()
      await replaceFormChoices(form, choices, trx)
      await rememberConsentText(form, trx)
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: form.tenantId,
          action: 'signup_form.update',
          subject: { type: 'signup_form', id: form.id, label: form.name },
        },
        trx
      )
    })
    return form
  }
}
