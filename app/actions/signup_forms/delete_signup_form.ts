import type SignupForm from '#models/signup_form'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Deletes a form: its page and snippet stop answering (404), its links to
 * tags and attributes go with it. Its consents stay, as the record of what
 * people agreed to (their form becomes null), and links already mailed
 * still confirm, without the form's tags.
 */
export default class DeleteSignupForm {
  static async handle(actor: Actor, form: SignupForm) {
    await writeTransaction(async (trx) => {
      form.useTransaction(trx)
      await form.delete()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: form.tenantId,
          action: 'signup_form.delete',
          subject: { type: 'signup_form', id: form.id, label: form.name },
        },
        trx
      )
    })
  }
}
