import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'

export interface TagWithCount {
  id: number
  name: string
  isTopic: boolean
  description: string | null
  clientCount: number
}

/**
 * The workspace's tags by name, each with how many clients have it: one
 * grouped query (the join's primary key, tag_id first, counts each tag's
 * clients from the index). A workspace has at most MAX_TAGS_PER_WORKSPACE
 * tags, so the list is one page. The tags page and the API's `GET /tags`
 * both show it.
 */
export default class ListTags {
  static async handle(tenant: Tenant): Promise<TagWithCount[]> {
    const rows = await db
      .from('tags')
      .leftJoin('client_tags', 'client_tags.tag_id', 'tags.id')
      .where('tags.tenant_id', tenant.id)
      .groupBy('tags.id', 'tags.name', 'tags.name_key', 'tags.is_topic', 'tags.description')
      .orderBy('tags.name_key')
      .select('tags.id', 'tags.name', 'tags.is_topic', 'tags.description')
      .count('client_tags.client_id as client_count')
    return rows.map((row) => ({
      id: Number(row.id),
      name: row.name,
      isTopic: Boolean(row.is_topic),
      description: row.description,
      clientCount: Number(row.client_count),
    }))
  }
}
