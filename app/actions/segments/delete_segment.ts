import type Segment from '#models/segment'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import type Mailing from '#models/mailing'
import FindMailingsUsing from '#actions/mailings/find_mailings_using'
import { isConstraintViolation } from '#services/database/errors'
import { writeTransaction } from '#services/database/write_transaction'

export type DeleteSegmentResult =
  { deleted: true } | { deleted: false; usedBy: { current: Mailing[]; archived: Mailing[] } }

/**
 * Deletes a segment unless a mailing is sent to it. Deleted (archived)
 * mailings count too, as for messages: their history says who they were
 * for, and the database refuses (RESTRICT) to delete a segment a mailing
 * row refers to.
 */
export default class DeleteSegment {
  static async handle(actor: Actor, segment: Segment): Promise<DeleteSegmentResult> {
    const usedBy = await FindMailingsUsing.handle({ segment })
    if (usedBy.current.length > 0 || usedBy.archived.length > 0) {
      return { deleted: false, usedBy }
    }

    try {
      await writeTransaction(async (trx) => {
        segment.useTransaction(trx)
        await segment.delete()
        await RecordWorkspaceEvent.handle(
          actor,
          {
            tenantId: segment.tenantId,
            action: 'segment.delete',
            subject: { type: 'segment', id: segment.id, label: segment.name },
          },
          trx
        )
      })
    } catch (error) {
      // A mailing chose it between the check and the delete.
      if (!isConstraintViolation(error, 'foreignKey')) throw error
      return { deleted: false, usedBy: await FindMailingsUsing.handle({ segment }) }
    }
    return { deleted: true }
  }
}
