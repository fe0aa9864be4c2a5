import Mailing from '#models/mailing'
import type Message from '#models/message'
import type Segment from '#models/segment'

/**
 * The mailings that send a message or go to a segment, current ones first,
 * then deleted (archived) ones, whose history still refers to it: what the
 * message's or segment's page lists, and what keeps it from being deleted.
 */
export default class FindMailingsUsing {
  static async handle(used: { message: Message } | { segment: Segment }) {
    const [column, record] =
      'message' in used ? ['message_id', used.message] : ['segment_id', used.segment]
    const mailings = await Mailing.query()
      .where('tenant_id', record.tenantId)
      .where(column, record.id)
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
