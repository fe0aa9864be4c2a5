import type Client from '#models/client'
import type { ClientFields } from '#actions/clients/create_client'

/**
 * Saves the edit form. Every field is on the form, so an emptied field is
 * cleared. The unsubscribed state is the recipient's to change, not ours.
 */
export default class UpdateClient {
  static async handle(client: Client, fields: ClientFields) {
    client.merge({
      email: fields.email,
      fullName: fields.fullName ?? '',
      comment: fields.comment ?? null,
    })
    await client.save()
    return client
  }
}
