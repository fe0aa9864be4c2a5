import type { HttpContext } from '@adonisjs/core/http'
import ClientPolicy from '#policies/client_policy'
import ListTags from '#actions/tags/list_tags'
import { attributeDefinitionsOf } from '#audiences/attribute_definitions'
import { listOf } from '#services/database/pagination'
import { serializeAttribute, serializeTag } from '#api/serializers/audience'

/**
 * What a workspace labels its clients with, for systems that push clients
 * in: the tags (with their counts) and the attribute definitions, read-only
 * (they are managed in the app). Reading them is reading clients.
 */
export default class AudiencesController {
  /**
   * Every tag, by name (a workspace has at most 500: one page).
   */
  async tags({ tenant, bouncer }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('viewList')
    const tags = await ListTags.handle(tenant)
    return listOf(tags.map(serializeTag), null)
  }

  /**
   * Every attribute definition, by key.
   */
  async attributes({ tenant, bouncer }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('viewList')
    const definitions = await attributeDefinitionsOf(tenant.id)
    return listOf([...definitions.values()].map(serializeAttribute), null)
  }
}
