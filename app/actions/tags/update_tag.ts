import db from '@adonisjs/lucid/services/db'
import type Tag from '#models/tag'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { withUniqueName, type TagFields } from '#actions/tags/create_tag'

/**
 * Renames a tag or changes its topic settings. Its clients, mailings, forms
 * and segments refer to it by id, so they follow the new name.
 */
export default class UpdateTag {
  static async handle(actor: Actor, tag: Tag, fields: TagFields) {
    tag.merge({
      name: fields.name,
      isTopic: fields.isTopic ?? false,
      description: fields.description ?? null,
    })
    await withUniqueName(() =>
      db.transaction(async (trx) => {
        tag.useTransaction(trx)
        await tag.save()
        await RecordWorkspaceEvent.handle(
          actor,
          {
            tenantId: tag.tenantId,
            action: 'tag.update',
            subject: { type: 'tag', id: tag.id, label: tag.name },
          },
          trx
        )
      })
    )
    return tag
  }
}
