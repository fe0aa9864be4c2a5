import type Tag from '#models/tag'
import { isUsed, usageOfTag, type AudienceUsage } from '#audiences/usage'
import { isConstraintViolation } from '#services/database/errors'

export type DeleteTagResult = { deleted: true } | { deleted: false; usedBy: AudienceUsage }

/**
 * Deletes a tag unless a mailing, a sign-up form or a segment uses it:
 * taking it away would silently change whom they reach. Its clients just
 * lose it (ON DELETE CASCADE on client_tags).
 */
export default class DeleteTag {
  static async handle(tag: Tag): Promise<DeleteTagResult> {
    const usedBy = await usageOfTag(tag.tenantId, tag.id)
    if (isUsed(usedBy)) return { deleted: false, usedBy }

    try {
      await tag.delete()
    } catch (error) {
      // A mailing or form given the tag between the check and the delete
      // (their rows RESTRICT it).
      if (!isConstraintViolation(error, 'foreignKey')) throw error
      return { deleted: false, usedBy: await usageOfTag(tag.tenantId, tag.id) }
    }
    return { deleted: true }
  }
}
