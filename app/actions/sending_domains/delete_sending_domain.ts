import type SendingDomain from '#models/sending_domain'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Removes a domain and its key. Mail from its addresses goes "via" the
 * operator from the next batch on (the sender is resolved per batch).
 */
export default class DeleteSendingDomain {
  static async handle(actor: Actor, domain: SendingDomain) {
    await writeTransaction(async (trx) => {
      domain.useTransaction(trx)
      await domain.delete()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: domain.tenantId,
          action: 'sending_domain.delete',
          subject: { type: 'sending_domain', id: domain.id, label: domain.domain },
        },
        trx
      )
    })
  }
}
