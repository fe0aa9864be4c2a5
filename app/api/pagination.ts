import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import type { LucidModel, ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import apiConfig from '#config/api'

/**
 * Every API list answers `{ data: [...], next_cursor }`: `next_cursor` is
 * opaque (base64url of the keyset position) and null on the last page.
 */
export function listOf<Item>(data: Item[], nextCursor: string | null) {
  return { data, next_cursor: nextCursor }
}

/**
 * The `limit` and `cursor` query fields, for a list's query validator
 * (`pageSize()` reads the limit with its default).
 */
export function pageFields() {
  return {
    limit: vine.number().withoutDecimals().range([1, apiConfig.pageLimit.max]).optional(),
    cursor: vine.string().trim().maxLength(1000).use(handedOutCursor()).optional(),
  }
}

/**
 * A cursor must be one this API handed out (base64url of JSON): a
 * mangled one answers 422 rather than silently restarting the list, which
 * would make a client walk the same pages forever.
 */
const handedOutCursor = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (typeof value !== 'string') return
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
    if (decoded && typeof decoded === 'object') return
  } catch {
    // Reported below.
  }
  field.report(
    'This is not a cursor of this list: use a next_cursor from a previous page, or none for the first page',
    'cursor',
    field
  )
})

/**
 * Keyset cursors of lists ordered by id, newest first.
 */
export function encodeIdCursor(id: number) {
  return Buffer.from(JSON.stringify({ id })).toString('base64url')
}

/**
 * The id a cursor continues after; undefined for a cursor this API did not
 * hand out (the list starts from the top, like a missing cursor).
 */
export function decodeIdCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    const id = (decoded as { id?: unknown })?.id
    return Number.isSafeInteger(id) && (id as number) > 0 ? (id as number) : undefined
  } catch {
    return undefined
  }
}

export function pageSize(limit: number | undefined) {
  return limit ?? apiConfig.pageLimit.default
}

/**
 * One page of a query's rows, newest (highest id) first, continuing after
 * the cursor: one row more than the page is read to know whether another
 * page follows.
 */
export async function newestFirstPage<Model extends LucidModel>(
  query: ModelQueryBuilderContract<Model, any>,
  { limit, cursor }: { limit?: number; cursor?: string }
) {
  const perPage = pageSize(limit)
  const before = decodeIdCursor(cursor)
  if (before) query.where('id', '<', before)
  const rows: InstanceType<Model>[] = await query.orderBy('id', 'desc').limit(perPage + 1)

  const items = rows.slice(0, perPage)
  const last = items[perPage - 1]
  return {
    items,
    nextCursor: rows.length > perPage ? encodeIdCursor(Number(last.$primaryKeyValue)) : null,
  }
}
