import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type Mailing from '#models/mailing'

/**
 * Replaces the tags of a mailing's `tags` audience (a few dozen at most).
 * The ids were checked to be the workspace's by the validator.
 */
export default class ReplaceMailingTags {
  static async handle(mailing: Mailing, tagIds: number[], trx: TransactionClientContract) {
    await trx.from('mailing_tags').where('mailing_id', mailing.id).delete()
    const unique = [...new Set(tagIds)]
    if (unique.length === 0) return
    await trx
      .table('mailing_tags')
      .multiInsert(unique.map((tagId) => ({ mailing_id: mailing.id, tag_id: tagId })))
  }
}
