import db from '@adonisjs/lucid/services/db'
import type Client from '#models/client'
import type { ClientFields } from '#actions/clients/create_client'
import { applyAttributeChanges } from '#audiences/attribute_values'
import { addTagsToClients } from '#audiences/client_tags'

/**
 * Saves the edit form. Every field is on the form, so an emptied field is
 * cleared; with `tagIds` the client has exactly those tags afterwards. The
 * client, its attributes and its tags change in one transaction. The
 * unsubscribed state is the recipient's to change, not ours.
 */
export default class UpdateClient {
  static async handle(client: Client, fields: ClientFields) {
    await db.transaction(async (trx) => {
      client.useTransaction(trx)
      client.merge({
        email: fields.email,
        fullName: fields.fullName ?? '',
        comment: fields.comment ?? null,
      })
      if (fields.attributes) {
        client.attributes = applyAttributeChanges(client.attributes, fields.attributes)
      }
      await client.save()

      const tagIds = fields.tagIds
      if (tagIds) {
        const untag = trx.from('client_tags').where('client_id', client.id)
        if (tagIds.length > 0) untag.whereNotIn('tag_id', tagIds)
        await untag.delete()
        await addTagsToClients(tagIds, [client.id], trx)
      }
    })
    return client
  }
}
