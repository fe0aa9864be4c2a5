import db from '@adonisjs/lucid/services/db'
import type Tenant from '#models/tenant'
import type Tag from '#models/tag'

export interface TagWithCount {
  tag: Tag
  clients: number
}

/**
 * The workspace's tags by name, each with how many clients have it: one
 * query, the counts read from the (tag_id, client_id) primary key of
 * client_tags without touching the clients. A workspace has at most
 * MAX_TAGS_PER_WORKSPACE tags, so the list is never paged.
 */
export async function tagsWithClientCounts(tenant: Tenant): Promise<TagWithCount[]> {
  const tags = await tenant
    .related('tags')
    .query()
    .select('tags.*')
    .select(
      db.raw(
        '(SELECT COUNT(*) FROM client_tags WHERE client_tags.tag_id = tags.id) AS client_count'
      )
    )
    .orderBy('name_key')
  return tags.map((tag) => ({ tag, clients: Number(tag.$extras.client_count) }))
}
