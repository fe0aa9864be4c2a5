import db from '@adonisjs/lucid/services/db'
import { errors as vineErrors } from '@vinejs/vine'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { tagNameKey } from '#models/tag'
import {
  findOrCreateTags,
  insertTagPairs,
  tagIdsByKey,
  MAX_TAGS_PER_WORKSPACE,
  PAIRS_PER_STATEMENT,
  TagLimitError,
} from '#audiences/client_tags'

/**
 * Tags changed by name, as the API and the CSV import take them: "add vip,
 * remove trial". Turned into tag ids for many clients at once, and written
 * for many clients at once, in a number of statements that does not grow
 * with the number of clients or tags (the bulk upsert's 1,000 items).
 */

export interface TagNameChanges {
  addTags?: string[]
  removeTags?: string[]
}

export interface TagIdChanges {
  addTagIds: number[]
  removeTagIds: number[]
}

const NO_CHANGE: TagIdChanges = { addTagIds: [], removeTagIds: [] }

/**
 * The tag ids of each item's changes, in order. Tags to add are found or
 * created (findOrCreateTags: one lookup, and a count and an insert when some
 * are new); tags to remove are only looked up, a name no tag has removes
 * nothing. When the new tags would pass the workspace's limit, none is
 * created: the items adding a tag the workspace does not have get null
 * (the caller refuses them), the others go ahead with the existing tags.
 */
export async function resolveTagChanges(
  tenantId: number,
  items: TagNameChanges[],
  client: QueryClientContract = db.connection()
): Promise<(TagIdChanges | null)[]> {
  const addNames = items.flatMap((item) => item.addTags ?? [])
  const removeNames = items.flatMap((item) => item.removeTags ?? [])
  if (addNames.length === 0 && removeNames.length === 0) return items.map(() => NO_CHANGE)

  let ids: Map<string, number>
  try {
    ids = await findOrCreateTags(tenantId, addNames, client)
  } catch (error) {
    if (!(error instanceof TagLimitError)) throw error
    ids = new Map()
  }
  const unknown = [...addNames, ...removeNames].filter((name) => !ids.has(tagNameKey(name)))
  for (const [key, id] of await existingTags(tenantId, unknown, client)) ids.set(key, id)

  return items.map((item) => {
    const add = namesToIds(item.addTags, ids)
    if (add.missing) return null
    return { addTagIds: add.ids, removeTagIds: namesToIds(item.removeTags, ids).ids }
  })
}

/**
 * Why an item adding new tags was refused: the field error of `addTags`
 * (`add_tags` in the API).
 */
export function tagLimitFieldError() {
  return {
    field: 'addTags',
    rule: 'tags.limit',
    message: `Your workspace has reached its limit of ${MAX_TAGS_PER_WORKSPACE} tags: use existing tags or delete some first`,
  }
}

/**
 * One client's tag changes by id. Throws a validation error of `addTags`
 * when new tags would pass the workspace's limit, before anything else is
 * written.
 */
export async function resolveClientTagChanges(
  tenantId: number,
  changes: TagNameChanges,
  client?: QueryClientContract
): Promise<TagIdChanges> {
  const [resolved] = await resolveTagChanges(tenantId, [changes], client)
  if (!resolved) throw new vineErrors.E_VALIDATION_ERROR([tagLimitFieldError()])
  return resolved
}

function namesToIds(names: string[] | undefined, ids: Map<string, number>) {
  const found = new Set<number>()
  let missing = false
  for (const name of names ?? []) {
    const id = ids.get(tagNameKey(name))
    if (id === undefined) missing = true
    else found.add(id)
  }
  return { ids: [...found], missing }
}

/**
 * The workspace's tags with these names (case aside), by name key.
 */
async function existingTags(tenantId: number, names: string[], client: QueryClientContract) {
  const keys = [...new Set(names.map(tagNameKey))]
  if (keys.length === 0) return new Map<string, number>()
  return tagIdsByKey(tenantId, keys, client)
}

/**
 * The tag ids each of these clients has (the (client_id, tag_id) index),
 * by client id: one query for up to a few thousand clients.
 */
export async function tagIdsOfClients(
  clientIds: number[],
  client: QueryClientContract = db.connection()
) {
  const byClient = new Map<number, Set<number>>()
  if (clientIds.length === 0) return byClient
  const rows: { client_id: number; tag_id: number }[] = await client
    .from('client_tags')
    .whereIn('client_id', clientIds)
    .select('client_id', 'tag_id')
  for (const row of rows) {
    const clientId = Number(row.client_id)
    const tags = byClient.get(clientId) ?? new Set<number>()
    tags.add(Number(row.tag_id))
    byClient.set(clientId, tags)
  }
  return byClient
}

export interface ClientTagChange extends TagIdChanges {
  clientId: number
}

/**
 * Writes each client's own tag changes: one insert of every new pair and one
 * delete of every removed pair, per 5,000 pairs. Ids must be the workspace's.
 */
export async function writeTagChanges(
  changes: ClientTagChange[],
  client: QueryClientContract = db.connection()
) {
  const added = changes.flatMap(({ clientId, addTagIds }) => addTagIds.map((id) => [id, clientId]))
  const removed = changes.flatMap(({ clientId, removeTagIds }) =>
    removeTagIds.map((id) => [id, clientId])
  )
  await insertTagPairs(added, client)
  for (let start = 0; start < removed.length; start += PAIRS_PER_STATEMENT) {
    const chunk = removed.slice(start, start + PAIRS_PER_STATEMENT)
    // Typed, so PostgreSQL compares integers with integers (an untyped VALUES
    // list would be text); one probe of the primary key per pair.
    await client.rawQuery(
      `DELETE FROM client_tags WHERE (tag_id, client_id) IN (VALUES ${chunk
        .map(() => '(CAST(? AS INTEGER), CAST(? AS INTEGER))')
        .join(', ')})`,
      chunk.flat()
    )
  }
}
