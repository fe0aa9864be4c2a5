import type Message from '#models/message'

/**
 * The mailings that send a message, current ones first, then deleted
 * (archived) ones, whose history still refers to it.
 */
export default class FindMailingsUsingMessage {
  static async handle(message: Message) {
    const mailings = await message
      .related('mailings')
      .query()
      .where('tenant_id', message.tenantId)
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
