import type Message from '#models/message'
import type Tenant from '#models/tenant'
import type Client from '#models/client'
import { findUnknownPlaceholders, renderMessage } from '#sending/message_renderer'
import { EXAMPLE_UNSUBSCRIBE_URL } from '#sending/unsubscribe_links'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'

/**
 * Who a preview is for when no client is chosen (or the workspace has none).
 */
export const EXAMPLE_CLIENT = { full_name: 'Alex Example', email: 'alex@example.com' }

/**
 * A message rendered for one client of its workspace, or for the example
 * client (who has no attributes). A client id from another workspace is not
 * found (404). Also says which placeholders the workspace no longer knows:
 * an attribute deleted since the message was saved, which renders empty.
 */
export default class PreviewMessage {
  static async handle(tenant: Tenant, message: Message, clientId: number | null) {
    const client: Client | null = clientId
      ? await tenant.related('clients').query().where('id', clientId).firstOrFail()
      : null

    const rendered = renderMessage(message, {
      client: client
        ? { full_name: client.fullName, email: client.email, attributes: client.attributes }
        : EXAMPLE_CLIENT,
      // A recipient's own link only exists when a message is sent.
      unsubscribe_url: EXAMPLE_UNSUBSCRIBE_URL,
    })

    const definitions = await attributeDefinitionsOf(tenant.id)
    const attributeKeys = new Set(definitions.keys())
    const templates = [message.subject, message.bodyText, message.bodyHtml ?? '']
    const unknownPlaceholders = [
      ...new Set(templates.flatMap((template) => findUnknownPlaceholders(template, attributeKeys))),
    ]
    return { client, rendered, unknownPlaceholders, attributeKeys: [...attributeKeys] }
  }
}
