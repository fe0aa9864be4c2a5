import Mailing from '#models/mailing'
import type Segment from '#models/segment'

/**
 * The mailings sent to a segment, current ones first, then deleted
 * (archived) ones, whose history still refers to it.
 */
export default class FindMailingsUsingSegment {
  static async handle(segment: Segment) {
    const mailings = await Mailing.query()
      .where('tenant_id', segment.tenantId)
      .where('segment_id', segment.id)
      .select('id', 'name', 'status', 'archived_at')
      .orderByRaw('CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END')
      .orderBy('name')
      .orderBy('id')

    return {
      current: mailings.filter((mailing) => mailing.archivedAt === null),
      archived: mailings.filter((mailing) => mailing.archivedAt !== null),
    }
  }
}
