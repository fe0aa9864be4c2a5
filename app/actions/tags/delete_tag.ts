import type Tag from '#models/tag'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { isUsed, usageOfTag, type AudienceUsage } from '#audiences/usage'
import { isConstraintViolation } from '#services/database/errors'
import { writeTransaction } from '#services/database/write_transaction'

export type DeleteTagResult = { deleted: true } | { deleted: false; usedBy: AudienceUsage }

/**
 * Deletes a tag unless a mailing, a sign-up form or a segment uses it:
 * taking it away would silently change whom they reach. Its clients just
 * lose it (ON DELETE CASCADE on client_tags).
 */
export default class DeleteTag {
  static async handle(actor: Actor, tag: Tag): Promise<DeleteTagResult> {
    const usedBy = await usageOfTag(tag.tenantId, tag.id)
    if (isUsed(usedBy)) return { deleted: false, usedBy }

    try {
      await writeTransaction(async (trx) => {
        tag.useTransaction(trx)
        await tag.delete()
        await RecordWorkspaceEvent.handle(
          actor,
          {
            tenantId: tag.tenantId,
            action: 'tag.delete',
            subject: { type: 'tag', id: tag.id, label: tag.name },
          },
          trx
        )
      })
    } catch (error) {
      // A mailing or form given the tag between the check and the delete
      // (their rows RESTRICT it).
      if (!isConstraintViolation(error, 'foreignKey')) throw error
      return { deleted: false, usedBy: await usageOfTag(tag.tenantId, tag.id) }
    }
    return { deleted: true }
  }
}
