import type Client from '#models/client'
import type { ClientAudienceChanges, ClientFields } from '#actions/clients/create_client'
import { applyAttributeChanges } from '#audiences/attribute_values'
import { resolveClientTagChanges, writeTagChanges } from '#audiences/tag_changes'

/**
 * Saves the edit form. Every field is on the form, so an emptied field is
 * cleared. The unsubscribed state is the recipient's to change, not ours.
 * Tags and attributes change only as told (the API's add_tags, remove_tags
 * and attributes); the others stay.
 */
export default class UpdateClient {
  static async handle(client: Client, fields: ClientFields & ClientAudienceChanges) {
    // First: past the tag limit, nothing is saved.
    const tags = await resolveClientTagChanges(client.tenantId, fields)
    client.merge({
      email: fields.email,
      fullName: fields.fullName ?? '',
      comment: fields.comment ?? null,
    })
    if (fields.attributes) {
      client.attributes = applyAttributeChanges(client.attributes, fields.attributes)
    }
    await client.save()
    await writeTagChanges([{ clientId: client.id, ...tags }])
    return client
  }
}
