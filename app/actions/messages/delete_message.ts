import type Message from '#models/message'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import type Mailing from '#models/mailing'
import FindMailingsUsing from '#actions/mailings/find_mailings_using'
import { isConstraintViolation } from '#services/database/errors'
import { writeTransaction } from '#services/database/write_transaction'

export type DeleteMessageResult =
  { deleted: true } | { deleted: false; usedBy: { current: Mailing[]; archived: Mailing[] } }

/**
 * Deletes a message unless a mailing uses it. Deleted (archived) mailings
 * count too: their history says what they sent, and the database refuses
 * to delete a message any mailing row refers to.
 */
export default class DeleteMessage {
  static async handle(actor: Actor, message: Message): Promise<DeleteMessageResult> {
    const usedBy = await FindMailingsUsing.handle({ message })
    if (usedBy.current.length > 0 || usedBy.archived.length > 0) {
      return { deleted: false, usedBy }
    }

    try {
      await writeTransaction(async (trx) => {
        message.useTransaction(trx)
        await message.delete()
        await RecordWorkspaceEvent.handle(
          actor,
          {
            tenantId: message.tenantId,
            action: 'message.delete',
            subject: { type: 'message', id: message.id, label: message.subject },
          },
          trx
        )
      })
    } catch (error) {
      // A mailing created between the check and the delete.
      if (!isConstraintViolation(error, 'foreignKey')) throw error
      return { deleted: false, usedBy: await FindMailingsUsing.handle({ message }) }
    }
    return { deleted: true }
  }
}
