import type SignupForm from '#models/signup_form'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { newSignupFormToken } from '#audiences/signup_links'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Gives a form a new public address, for a form whose address is being
 * abused: the old page and every snippet pasted with it answer 404 from now
 * on. Confirmation links already mailed still work (they name the consent,
 * not the form's address).
 */
export default class RegenerateSignupFormToken {
  static async handle(actor: Actor, form: SignupForm) {
    await writeTransaction(async (trx) => {
      form.useTransaction(trx)
      form.publicToken = newSignupFormToken()
      await form.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: form.tenantId,
          action: 'signup_form.new_address',
          subject: { type: 'signup_form', id: form.id, label: form.name },
        },
        trx
      )
    })
    return form
  }
}
