import { DateTime } from 'luxon'
import type Mailing from '#models/mailing'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * A member holds a mailing: nothing more is sent until it is resumed.
 */
export default class PauseMailing {
  static async handle(actor: Actor, mailing: Mailing) {
    await writeTransaction(async (trx) => {
      mailing.useTransaction(trx)
      mailing.merge({
        status: 'paused',
        statusReason: `Paused by ${actor.user.fullName}`,
        statusChangedById: actor.user.id,
        statusChangedAt: DateTime.now(),
      })
      await mailing.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: mailing.tenantId,
          action: 'mailing.pause',
          subject: { type: 'mailing', id: mailing.id, label: mailing.name },
        },
        trx
      )
    })
  }
}
