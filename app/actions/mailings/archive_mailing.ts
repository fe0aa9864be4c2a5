import { DateTime } from 'luxon'
import type Mailing from '#models/mailing'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Deleting a mailing keeps its history: it is archived, hidden from the
 * list, and never sends again.
 */
export default class ArchiveMailing {
  static async handle(actor: Actor, mailing: Mailing) {
    await writeTransaction(async (trx) => {
      mailing.useTransaction(trx)
      mailing.archivedAt = DateTime.now()
      mailing.nextRunAt = null
      await mailing.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: mailing.tenantId,
          action: 'mailing.delete',
          subject: { type: 'mailing', id: mailing.id, label: mailing.name },
        },
        trx
      )
    })
  }
}
