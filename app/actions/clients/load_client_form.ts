import type Client from '#models/client'
import type Tenant from '#models/tenant'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import { tagsOfClients } from '#audiences/client_tags'

/**
 * What the client form offers: the workspace's tags (by name) and attribute
 * definitions (by key), and, when editing, the tags the client has.
 */
export default class LoadClientForm {
  static async handle(tenant: Tenant, client?: Client) {
    const tags = await tenant.related('tags').query().orderBy('name_key').select('id', 'name')
    const definitions = await attributeDefinitionsOf(tenant.id)
    let clientTagIds: number[] = []
    if (client) {
      const byClient = await tagsOfClients([client.id])
      clientTagIds = (byClient.get(client.id) ?? []).map((tag) => tag.id)
    }
    return { tags, definitions: [...definitions.values()], clientTagIds }
  }
}
