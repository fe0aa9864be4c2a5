import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { sqlTime } from '#services/database/sql_time'
import { tagNameKey, TAG_NAME_MAX_LENGTH } from '#models/tag'

/**
 * How many tags a workspace may have: enough for any real labelling, few
 * enough that a runaway API client cannot fill the table.
 */
export const MAX_TAGS_PER_WORKSPACE = 500

/**
 * Pairs written per statement: 2 bound values each, far below SQLite's and
 * PostgreSQL's limits.
 */
export const PAIRS_PER_STATEMENT = 5000

/**
 * The first key of the PostgreSQL advisory lock that serialises creating a
 * workspace's tags (the second is the workspace's id): any constant no other
 * lock of the app uses.
 */
const TAG_CREATION_LOCK = 0x7461_6773

export class TagLimitError extends Error {
  constructor() {
    super(`A workspace has at most ${MAX_TAGS_PER_WORKSPACE} tags`)
  }
}

/**
 * The ids of the workspace's tags with these names (case aside), creating
 * the missing ones: what the API and the CSV import mean by "add tag vip".
 * Throws TagLimitError when creating them would pass the workspace's limit.
 *
 * Creating is count-then-insert, so two requests could each see room for
 * their new tag and pass the limit together. On PostgreSQL they take turns:
 * a transaction-scoped advisory lock per workspace (held to the end of the
 * caller's transaction, or of one opened here), taken before counting, so
 * the second counts the first's tags. SQLite runs one writing transaction
 * at a time anyway.
 */
export async function findOrCreateTags(
  tenantId: number,
  names: string[],
  client: QueryClientContract = db.connection()
): Promise<Map<string, number>> {
  const byKey = new Map<string, string>()
  for (const name of names) {
    const trimmed = name.trim().slice(0, TAG_NAME_MAX_LENGTH)
    const key = tagNameKey(trimmed)
    // The first spelling of a new tag names it ("Newsletter", then "newsletter").
    if (trimmed && !byKey.has(key)) byKey.set(key, trimmed)
  }
  if (byKey.size === 0) return new Map()

  const existing = await tagIdsByKey(tenantId, [...byKey.keys()], client)
  if (existing.size === byKey.size) return existing
  if (client.dialect.name !== 'postgres') return createTags(tenantId, byKey, client)
  const locked = async (trx: QueryClientContract) => {
    await trx.rawQuery('SELECT pg_advisory_xact_lock(?, ?)', [TAG_CREATION_LOCK, tenantId])
    return createTags(tenantId, byKey, trx)
  }
  return client.isTransaction ? locked(client) : client.transaction(locked)
}

/**
 * Creates the tags of these name keys the workspace does not have yet (one
 * lookup, a count, one insert), or throws TagLimitError; returns the ids
 * of all of them.
 */
async function createTags(
  tenantId: number,
  byKey: Map<string, string>,
  client: QueryClientContract
) {
  const existing = await tagIdsByKey(tenantId, [...byKey.keys()], client)
  const missing = [...byKey].filter(([key]) => !existing.has(key))
  if (missing.length === 0) return existing

  const [{ total }] = await client.from('tags').where('tenant_id', tenantId).count('* as total')
  if (Number(total) + missing.length > MAX_TAGS_PER_WORKSPACE) throw new TagLimitError()

  const now = sqlTime()
  await client
    .knexQuery()
    .table('tags')
    .insert(
      missing.map(([key, name]) => ({
        tenant_id: tenantId,
        name,
        name_key: key,
        is_topic: false,
        created_at: now,
        updated_at: now,
      }))
    )
    // Another request created the same tag meanwhile: theirs serves.
    .onConflict(['tenant_id', 'name_key'])
    .ignore()
  return tagIdsByKey(tenantId, [...byKey.keys()], client)
}

/**
 * The workspace's tags of these name keys, by key.
 */
export async function tagIdsByKey(tenantId: number, keys: string[], client: QueryClientContract) {
  const rows: { id: number; name_key: string }[] = await client
    .from('tags')
    .where('tenant_id', tenantId)
    .whereIn('name_key', keys)
    .select('id', 'name_key')
  return new Map(rows.map((row) => [row.name_key, Number(row.id)]))
}

/**
 * Gives every client every tag (already tagged pairs stay as they are).
 * Both lists must already be the workspace's own.
 */
export async function addTagsToClients(
  tagIds: number[],
  clientIds: number[],
  client: QueryClientContract = db.connection()
) {
  const pairs = tagIds.flatMap((tagId) => clientIds.map((clientId) => [tagId, clientId]))
  await insertTagPairs(pairs, client)
}

/**
 * Writes (tag_id, client_id) pairs, one statement per PAIRS_PER_STATEMENT;
 * pairs already there stay as they are. Ids must be the workspace's.
 */
export async function insertTagPairs(pairs: number[][], client: QueryClientContract) {
  for (let start = 0; start < pairs.length; start += PAIRS_PER_STATEMENT) {
    const chunk = pairs.slice(start, start + PAIRS_PER_STATEMENT)
    await client.rawQuery(
      `INSERT INTO client_tags (tag_id, client_id) VALUES ${chunk.map(() => '(?, ?)').join(', ')}
       ON CONFLICT (tag_id, client_id) DO NOTHING`,
      chunk.flat()
    )
  }
}

/**
 * Takes the tags off the clients.
 */
export async function removeTagsFromClients(
  tagIds: number[],
  clientIds: number[],
  client: QueryClientContract = db.connection()
) {
  if (tagIds.length === 0 || clientIds.length === 0) return
  for (let start = 0; start < clientIds.length; start += PAIRS_PER_STATEMENT) {
    await client
      .from('client_tags')
      .whereIn('tag_id', tagIds)
      .whereIn('client_id', clientIds.slice(start, start + PAIRS_PER_STATEMENT))
      .delete()
  }
}

/**
 * The tags of each client, by client id, sorted by name: for lists and
 * serializers (one query for a page of clients).
 */
export async function tagsOfClients(
  clientIds: number[],
  client: QueryClientContract = db.connection()
): Promise<Map<number, { id: number; name: string }[]>> {
  const byClient = new Map<number, { id: number; name: string }[]>()
  if (clientIds.length === 0) return byClient
  const rows = await client
    .from('client_tags')
    .join('tags', 'tags.id', 'client_tags.tag_id')
    .whereIn('client_tags.client_id', clientIds)
    .orderBy('tags.name_key')
    .select('client_tags.client_id', 'tags.id', 'tags.name')
  for (const row of rows) {
    const list = byClient.get(Number(row.client_id)) ?? []
    list.push({ id: Number(row.id), name: row.name })
    byClient.set(Number(row.client_id), list)
  }
  return byClient
}
