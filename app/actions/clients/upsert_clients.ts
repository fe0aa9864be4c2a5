import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { RawQueryBindings } from '@adonisjs/lucid/types/querybuilder'
import type Tenant from '#models/tenant'
import { sqlTime } from '#services/database/sql_time'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'
import {
  applyAttributeChanges,
  type AttributeChanges,
  type AttributeValues,
} from '#audiences/attribute_values'
import { tagIdsOfClients, writeTagChanges, type ClientTagChange } from '#audiences/tag_changes'
import { writeTransaction } from '#services/database/write_transaction'
import { announceTakenOver, claimPendingClients } from '#audiences/pending_takeovers'

/**
 * Rows written per statement: an API bulk request (1,000 items) is one
 * lookup and one upsert. 7 bound values a row stay far below SQLite's limit
 * of 32,766 and PostgreSQL's of 65,535.
 */
export const UPSERT_BATCH_SIZE = 1000

/**
 * A validated client row. A missing name or comment keeps what is saved.
 */
export interface ClientUpsertRow {
  email: string
  fullName?: string
  comment?: string
  /** Checked values (parseAttributeValue): a value sets, null clears. */
  attributes?: AttributeChanges
  /** Tags to give and take (the workspace's own ids, see tag_changes.ts). */
  addTagIds?: number[]
  removeTagIds?: number[]
}

export type ClientUpsertOutcome = 'created' | 'updated' | 'unchanged'

export interface ClientUpsertResult {
  outcome: ClientUpsertOutcome
  id: number
  /**
   * The address is on the workspace's suppression list: the client is
   * saved, but no mailing reaches it (importing never lifts a suppression).
   */
  suppressed: boolean
}

/**
 * Creates the clients of new emails and updates the name, comment,
 * attributes and tags of known ones (never their unsubscribed state), by
 * email, for up to 1,000 rows with distinct emails: one indexed query for the
 * emails already saved (so "created" and "updated" are exact), one for their
 * tags when rows change tags, then one
 * `INSERT … ON CONFLICT (tenant_id, email) DO UPDATE` of the new and changed
 * rows, and one insert and one delete of tag pairs. Rows that change nothing
 * are not written. Serves the CSV import and the API's bulk upsert. Says
 * which rows' addresses are suppressed (one more indexed query): they are
 * saved all the same, and stay unmailed.
 *
 * A known client still pending (signed up through a form, not confirmed)
 * is subscribed: the business naming the address in an import or the API
 * vouches for its consent, as it does for a client it creates this way
 * (otherwise a stranger's sign-up would keep a real client unmailed for
 * good). Such a row is "updated" even when nothing else changes, and its
 * client is announced (`client.subscribed`, source `workspace`) after the
 * commit. The unsubscribed state and suppressions stay as they are.
 *
 * Attributes are merged into the saved JSON by the upsert itself
 * (PostgreSQL `jsonb ||`, SQLite `json_patch`), so a key another request set
 * meanwhile is kept. A tag both added and removed is removed.
 *
 * The reads and writes are one transaction: a failed statement (a tag
 * deleted meanwhile, the database going away) leaves neither clients
 * without their tags nor tags of clients that were not saved.
 *
 * Returns one result per row, in order.
 */
export default class UpsertClients {
  static async handle(tenant: Tenant, rows: ClientUpsertRow[]): Promise<ClientUpsertResult[]> {
    if (rows.length > UPSERT_BATCH_SIZE) {
      throw new Error(`UpsertClients takes at most ${UPSERT_BATCH_SIZE} rows at a time`)
    }
    if (rows.length === 0) return []

    const { outcomes, idByEmail, wrote, takenOver } = await writeTransaction((trx) =>
      write(trx, tenant, rows)
    )
    if (wrote) await forgetWorkspaceClientCount(tenant)
    await announceTakenOver(takenOver)

    const suppressed = await suppressedAmong(tenant, rows)
    return rows.map((row, index) => ({
      outcome: outcomes[index],
      id: idByEmail.get(row.email)!,
      suppressed: suppressed.has(row.email),
    }))
  }
}

/**
 * The lookups and writes of UpsertClients.handle, in its transaction.
 */
async function write(trx: QueryClientContract, tenant: Tenant, rows: ClientUpsertRow[]) {
  const saved = await savedClients(
    trx,
    tenant,
    rows.map((row) => row.email)
  )
  const savedByEmail = new Map(saved.map((client) => [client.email, client]))

  const changesTags = rows.some((row) => row.addTagIds?.length || row.removeTagIds?.length)
  const savedTags = changesTags
    ? await tagIdsOfClients(
        saved.map((client) => client.id),
        trx
      )
    : new Map<number, Set<number>>()

  const now = sqlTime()
  const outcomes: ClientUpsertOutcome[] = []
  const writes: ClientWrite[] = []
  const tagChanges = new Map<string, Omit<ClientTagChange, 'clientId'>>()
  for (const row of rows) {
    const current = savedByEmail.get(row.email)
    const fullName = row.fullName ?? current?.full_name ?? ''
    const comment = row.comment ?? current?.comment ?? null
    const patch = row.attributes
    const currentAttributes = current ? current.attributes : NO_ATTRIBUTES
    // Most rows change no attribute (every row of most imports): no copy.
    const attributes = patch ? applyAttributeChanges(currentAttributes, patch) : currentAttributes
    const tags = tagChangesOf(row, current ? savedTags.get(current.id) : undefined)
    if (tags) tagChanges.set(row.email, tags)

    if (
      current &&
      current.pending_at === null &&
      current.full_name === fullName &&
      current.comment === comment &&
      (!patch || sameAttributes(currentAttributes, attributes)) &&
      !tags
    ) {
      outcomes.push('unchanged')
      continue
    }
    outcomes.push(current ? 'updated' : 'created')
    writes.push({
      tenant_id: tenant.id,
      email: row.email,
      full_name: fullName,
      comment,
      // A new client gets its values; a saved one the changes, merged into
      // what is saved by the upsert (nulls remove keys).
      attributes: patch ? JSON.stringify(current ? patch : attributes) : EMPTY_JSON,
      created_at: now,
      updated_at: now,
    })
  }

  // Pending clients the rows name, claimed before the upsert clears them
  // too: usually none, and then no statement.
  const takenOver = await claimPendingClients(
    trx,
    tenant.id,
    saved.filter((client) => client.pending_at !== null).map((client) => client.id)
  )
  const written = writes.length === 0 ? [] : await upsertRows(trx, writes)
  const idByEmail = new Map<string, number>(saved.map((client) => [client.email, client.id]))
  for (const row of written) {
    idByEmail.set(row.email, Number(row.id))
  }
  await writeTagChanges(
    [...tagChanges].map(([email, change]) => ({ clientId: idByEmail.get(email)!, ...change })),
    trx
  )
  return { outcomes, idByEmail, wrote: writes.length > 0, takenOver }
}

const NO_ATTRIBUTES: AttributeValues = Object.freeze({}) as AttributeValues
const EMPTY_JSON = '{}'

type ClientWrite = {
  tenant_id: number
  email: string
  full_name: string
  comment: string | null
  /** JSON text: the values of a new client, the changes of a saved one. */
  attributes: string
  created_at: string
  updated_at: string
}

/**
 * One `INSERT … VALUES (…), (…) ON CONFLICT … DO UPDATE … RETURNING` for
 * all the rows, spelled out because Knex writes a multi-row insert on SQLite
 * as `SELECT … UNION ALL SELECT …`, limited to 500 terms.
 */
async function upsertRows(
  trx: QueryClientContract,
  rows: ClientWrite[]
): Promise<{ id: number; email: string }[]> {
  // Lucid's binding type leaves out null, which binds as NULL (a comment).
  const bindings = rows.flatMap((row) => [
    row.tenant_id,
    row.email,
    row.full_name,
    row.comment,
    row.attributes,
    row.created_at,
    row.updated_at,
  ])
  const postgres = trx.dialect.name === 'postgres'
  // A JSON merge patch: the changes' values replace the saved ones, their
  // nulls remove keys (saved values are never null).
  const mergedAttributes = postgres
    ? 'jsonb_strip_nulls(clients.attributes || excluded.attributes)'
    : 'json_patch(clients.attributes, excluded.attributes)'
  const result = await trx.rawQuery(
    `insert into clients (tenant_id, email, full_name, comment, attributes, created_at, updated_at)
     values ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
     on conflict (tenant_id, email) do update
       set full_name = excluded.full_name, comment = excluded.comment,
         attributes = ${mergedAttributes}, pending_at = null, updated_at = excluded.updated_at
     returning id, email`,
    bindings as RawQueryBindings
  )
  return postgres ? result.rows : result
}

/**
 * The tags a row really adds and removes, given the saved client's tags (none
 * for a new client), or null when it changes none.
 */
function tagChangesOf(row: ClientUpsertRow, saved: Set<number> | undefined) {
  if (!row.addTagIds?.length && !row.removeTagIds?.length) return null
  const removeTagIds = (row.removeTagIds ?? []).filter((id) => saved?.has(id))
  const removing = new Set(row.removeTagIds)
  const addTagIds = (row.addTagIds ?? []).filter((id) => !saved?.has(id) && !removing.has(id))
  return addTagIds.length > 0 || removeTagIds.length > 0 ? { addTagIds, removeTagIds } : null
}

function sameAttributes(a: AttributeValues, b: AttributeValues) {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

/**
 * The rows' addresses on the workspace's suppression list (its unique
 * (tenant_id, email) index).
 */
async function suppressedAmong(tenant: Tenant, rows: ClientUpsertRow[]) {
  const found: { email: string }[] = await db
    .from('suppressions')
    .where('tenant_id', tenant.id)
    .whereIn(
      'email',
      rows.map((row) => row.email)
    )
    .select('email')
  return new Set(found.map(({ email }) => email))
}

type SavedClient = {
  id: number
  email: string
  full_name: string
  comment: string | null
  attributes: AttributeValues
  /** Set while a sign-up through a form awaits its confirmation. */
  pending_at: unknown
}

/**
 * The workspace's clients among these emails: one query on the unique
 * (tenant_id, email) index.
 *
 * PostgreSQL gets it spelled as one index probe per email: during a big
 * import into a new workspace its statistics still say the workspace has a
 * few hundred clients, and for `email IN (...)` it then prefers scanning the
 * workspace through another (tenant_id, ...) index, reading every client
 * for each batch (30 ms instead of 3 at 100,000 clients).
 */
async function savedClients(
  trx: QueryClientContract,
  tenant: Tenant,
  emails: string[]
): Promise<SavedClient[]> {
  if (trx.dialect.name === 'postgres') {
    const result = await trx.rawQuery(
      `select saved.id, saved.email, saved.full_name, saved.comment, saved.attributes,
                saved.pending_at
         from unnest(?::text[]) as wanted(email)
         cross join lateral (
           select id, email, full_name, comment, attributes, pending_at from clients
            where tenant_id = ? and email = wanted.email
            limit 1
         ) as saved`,
      [emails, tenant.id]
    )
    return result.rows
  }
  const rows = await trx
    .from('clients')
    .select('id', 'email', 'full_name', 'comment', 'attributes', 'pending_at')
    .where('tenant_id', tenant.id)
    .whereIn('email', emails)
  // SQLite keeps the JSON as text.
  return rows.map((row) => ({ ...row, attributes: JSON.parse(row.attributes) }))
}
