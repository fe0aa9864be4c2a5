import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import type { LucidModel, ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import apiConfig from '#config/api'

/*
 * How every list is cut into pages, web and API. Three ways, chosen by the
 * list's order and size. On a web page, every paged list draws its links
 * with resources/views/components/pagination.edge (its props for each way
 * are listed there), passing its own query parameter names.
 *
 * - Keyset, newest first by id (`newestFirstPage`): lists that grow
 *   without bound and are read from the newest end: the staff lists
 *   (users, every workspace's mailings, the audit log), a webhook
 *   endpoint's deliveries, and every API list. A page continues below the
 *   id of the last row shown, so page 500 costs what page 1 costs, nothing
 *   counts the table, and rows added meanwhile never shift a page. The
 *   position is that id: bare in web links (`?after=123`, the `nextCursor`
 *   of components/pagination.edge; `?before=123` on a webhook endpoint's
 *   page), opaque in the API (`next_cursor`, `keysetListOf`), so API
 *   clients pass cursors back and never make one.
 *
 * - Offset, by page number (`offsetPage`, `countedOffsetPage`): a
 *   workspace's own lists ordered by something other than id (last change,
 *   publication, drafts first): mailings, messages, the blog and its
 *   editor. They stay short enough for OFFSET, and a page number is a link
 *   people can share. One row more than the page says whether another
 *   follows, without counting; only a list that shows "Page 2 of 7" pays
 *   for a COUNT.
 *
 * - Keyset over (a sort column, id) (`seekRows`): lists in an order of
 *   their own that may still be long: a workspace's clients by name, email
 *   or date (actions/clients/list_clients.ts), and a delivery log searched
 *   by address, by run then id (actions/stats/list_deliveries.ts). The
 *   list makes its own cursor (what it names differs), this module the
 *   queries.
 *
 * - Keyset newest first over several parts (`newestFirstMerged`): a list
 *   whose rows come from a few index ranges, each newest first, merged in
 *   Node instead of sorted by the database: a delivery log browsed without
 *   a search, run by run and, within a run, status by status on
 *   (run_id, status, id) (the runs' counters say which to ask;
 *   actions/stats/list_deliveries.ts). The same cursor as the first way.
 */

/**
 * Where a keyset page starts: below the id `after` (none: the top).
 */
export interface KeysetPosition {
  after?: number
  perPage: number
}

/**
 * One page of a query's rows, newest (highest id) first, continuing below
 * the id `after` (the previous page's `nextCursor`). One row more than the
 * page is read to know whether another page follows.
 */
export async function newestFirstPage<Model extends LucidModel>(
  query: ModelQueryBuilderContract<Model, any>,
  { after, perPage }: KeysetPosition
) {
  const rows = await newestFirstMerged([query], { after, limit: perPage + 1 })
  const items = rows.slice(0, perPage)
  const last = items.at(-1)
  return {
    items,
    isFirstPage: !after,
    /** The `after` of the next page; null on the last page. */
    nextCursor: rows.length > perPage && last ? Number(last.$primaryKeyValue) : null,
  }
}

/**
 * Up to `limit` rows of the `parts` queries together, newest (highest id)
 * first, each continuing below the id `after` (none: from the top). Each
 * part reads at most `limit` rows down its own index range; the parts are
 * merged here. The caller reads one row more than its page to know
 * whether another follows.
 */
export async function newestFirstMerged<Model extends LucidModel>(
  parts: ModelQueryBuilderContract<Model, any>[],
  { after, limit }: { after?: number; limit: number }
): Promise<InstanceType<Model>[]> {
  const slices = await Promise.all(
    parts.map((query) => {
      const id = `${query.model.table}.id`
      if (after) query.where(id, '<', after)
      return query.orderBy(id, 'desc').limit(limit)
    })
  )
  if (slices.length === 1) return slices[0]
  return slices
    .flat()
    .sort((a, b) => Number(b.$primaryKeyValue) - Number(a.$primaryKeyValue))
    .slice(0, limit)
}

/**
 * Where a keyset over (sort column, id) continues: the sort value and id of
 * the last row before it.
 */
export interface SeekPosition {
  value: string | number
  id: number
}

/**
 * Up to `limit` rows of `rows()` in (column, id) order, `dir` for both,
 * beyond `after` (null: from the top). The caller reads one row more than
 * its page to know whether another follows.
 */
export async function seekRows<Model extends LucidModel>(
  rows: () => ModelQueryBuilderContract<Model, any>,
  {
    column,
    dir,
    after,
    limit,
  }: { column: string; dir: 'asc' | 'desc'; after: SeekPosition | null; limit: number }
): Promise<InstanceType<Model>[]> {
  if (!after) {
    return rows().orderBy(column, dir).orderBy('id', dir).limit(limit)
  }

  // Two range scans rather than `(column, id) > (?, ?)`: the databases only
  // use the index for the first column of such a comparison, and would read
  // every row sharing the position's value to get past it.
  const beyond = dir === 'asc' ? '>' : '<'
  const ties = await rows()
    .where(column, after.value)
    .where('id', beyond, after.id)
    .orderBy('id', dir)
    .limit(limit)
  if (ties.length === limit) return ties

  const rest = await rows()
    .where(column, beyond, after.value)
    .orderBy(column, dir)
    .orderBy('id', dir)
    .limit(limit - ties.length)
  return [...ties, ...rest]
}

/**
 * One page of a query's rows in the query's own order, by page number
 * (from 1). A page past the end is empty, however far: an offset beyond a
 * safe integer is not sent at all, because Knex parses it with parseInt
 * ("2.5e+301" → 2, "Infinity" → dropped) and would answer an early page.
 */
export async function offsetPage<Model extends LucidModel>(
  query: ModelQueryBuilderContract<Model, any>,
  { page, perPage }: { page: number; perPage: number }
) {
  const offset = (page - 1) * perPage
  if (!Number.isSafeInteger(offset)) return { items: [], page, hasNext: false }
  const rows: InstanceType<Model>[] = await query.offset(offset).limit(perPage + 1)
  return { items: rows.slice(0, perPage), page, hasNext: rows.length > perPage }
}

/**
 * An offset page with the list's size, for "Page 2 of 7": one COUNT more.
 */
export async function countedOffsetPage<Model extends LucidModel>(
  query: ModelQueryBuilderContract<Model, any>,
  { page, perPage }: { page: number; perPage: number }
) {
  const [counted] = await query
    .clone()
    .clearOrder()
    .clearSelect()
    .count('* as total')
    .pojo<{ total: number | string }>()
  const total = Number(counted.total)
  const rows =
    total > 0 ? await offsetPage(query, { page, perPage }) : { items: [], hasNext: false }
  return {
    items: rows.items,
    page,
    hasNext: rows.hasNext,
    total,
    lastPage: Math.max(Math.ceil(total / perPage), 1),
  }
}

/**
 * The page number of a `?page=` link. Anything but a positive whole number
 * (a hand-edited link) is the first page rather than an error; `max`
 * bounds lists whose pages are cached by number.
 */
export function pageNumber(raw: unknown, max = Number.MAX_SAFE_INTEGER) {
  const page = Number(raw)
  return Number.isSafeInteger(page) && page > 0 && page <= max ? page : 1
}

/**
 * The API's cursor for a keyset position: base64url of JSON, so clients
 * treat it as opaque; null (the last page) stays null.
 */
function encodeIdCursor(id: number | null) {
  return id === null ? null : Buffer.from(JSON.stringify({ id })).toString('base64url')
}

/**
 * The id an API cursor continues below; undefined for a cursor this API
 * did not hand out (the list starts from the top, like a missing cursor).
 */
function decodeIdCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    const id = (decoded as { id?: unknown })?.id
    return Number.isSafeInteger(id) && (id as number) > 0 ? (id as number) : undefined
  } catch {
    return undefined
  }
}

/**
 * Every API list answers `{ data: [...], next_cursor }`: `next_cursor` is
 * opaque and null on the last page.
 */
export function listOf<Item>(data: Item[], nextCursor: string | null) {
  return { data, next_cursor: nextCursor }
}

/**
 * The answer of a list paged by `keysetRequest`: `nextId` (the page's
 * `nextCursor`) handed out as an opaque cursor.
 */
export function keysetListOf<Item>(data: Item[], nextId: number | null) {
  return listOf(data, encodeIdCursor(nextId))
}

/**
 * The API's `limit` and `cursor` query fields, for a list's query validator
 * (`pageSize()` reads the limit with its default). `isCursor` tells a
 * cursor the list handed out: by default an id cursor (`keysetRequest`); a
 * list that makes its own cursor passes its own test.
 */
export function pageFields(isCursor: (cursor: string) => boolean = isIdCursor) {
  return {
    limit: vine.number().withoutDecimals().range([1, apiConfig.pageLimit.max]).optional(),
    cursor: vine.string().trim().maxLength(1000).use(handedOutCursor(isCursor)).optional(),
  }
}

export function pageSize(limit: number | undefined) {
  return limit ?? apiConfig.pageLimit.default
}

/**
 * What a keyset API list's validated `limit` and `cursor` ask for: the
 * arguments of `newestFirstPage`.
 */
export function keysetRequest({
  limit,
  cursor,
}: {
  limit?: number
  cursor?: string
}): KeysetPosition {
  return { after: decodeIdCursor(cursor), perPage: pageSize(limit) }
}

/**
 * A cursor must be one this API handed out: a mangled one answers 422
 * rather than silently restarting the list, which would make a client walk
 * the same pages forever.
 */
const handedOutCursor = vine.createRule(
  (value: unknown, isCursor: (cursor: string) => boolean, field: FieldContext) => {
    if (typeof value !== 'string' || isCursor(value)) return
    field.report(
      'This is not a cursor of this list: use a next_cursor from a previous page, or none for the first page',
      'cursor',
      field
    )
  }
)

/** Whether `keysetRequest` reads the cursor (else it would start from the top). */
function isIdCursor(cursor: string) {
  return decodeIdCursor(cursor) !== undefined
}

/**
 * Whether a cursor is base64url of JSON: for a list that makes its own
 * cursor and reads it itself (clients: actions/clients/list_clients.ts).
 */
export function isJsonCursor(cursor: string) {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    return Boolean(decoded && typeof decoded === 'object')
  } catch {
    return false
  }
}
