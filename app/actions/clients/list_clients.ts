import type Client from '#models/client'
import type { ClientState } from '#models/client'
import type Tenant from '#models/tenant'
import type Tag from '#models/tag'
import type Segment from '#models/segment'
import { clientFilterOf, isFiltered, type ClientFilters } from '#audiences/client_filters'
import { sqlTime } from '#services/database/sql_time'
import { seekRows } from '#services/database/pagination'
import type { ClientSort, SortDirection } from '#validators/client'

export const CLIENTS_PER_PAGE = 50

const SORT_COLUMNS = { email: 'email', name: 'full_name', created: 'created_at' } as const

/**
 * The filters (search, tag, segment, state: app/audiences/client_filters.ts),
 * the order and the page.
 */
export interface ClientListOptions extends ClientFilters {
  sort?: ClientSort
  dir?: SortDirection
  /** Cursor of the last row of the previous page: the page after it. */
  after?: string
  /** Cursor of the first row of the next page: the page before it. */
  before?: string
  perPage?: number
}

export interface ClientListPage {
  clients: Client[]
  q: string
  tag: Tag | null
  segment: Segment | null
  state: ClientState | null
  /** Whether anything narrows the list (a search or a filter). */
  filtered: boolean
  sort: ClientSort
  dir: SortDirection
  isFirstPage: boolean
  /** Opaque, URL-safe; null when there is no such page. */
  nextCursor: string | null
  previousCursor: string | null
}

type Cursor = { value: string; id: number }

/**
 * One page of a workspace's clients, searched and sorted, with keyset
 * ("seek") pagination: a page continues from the sort value and id of the row
 * before it, so page 2,000 costs what page 1 costs, and nothing counts the
 * whole list. Every query is an index range scan on (tenant_id, <sort
 * column>); the id breaks ties (many clients share an empty name or the
 * second they were imported in).
 */
export default class ListClients {
  static async handle(tenant: Tenant, options: ClientListOptions = {}): Promise<ClientListPage> {
    const sort = options.sort ?? 'created'
    const dir = options.dir ?? (sort === 'created' ? 'desc' : 'asc')
    const q = options.q?.trim() ?? ''
    const perPage = options.perPage ?? CLIENTS_PER_PAGE
    const filters = {
      tag: options.tag ?? null,
      segment: options.segment ?? null,
      state: options.state ?? null,
    }
    const narrow = await clientFilterOf(tenant, { q, ...filters })
    const listing = { tenant, sort, perPage, narrow }
    const shown = {
      q,
      ...filters,
      filtered: isFiltered({ q, ...filters }),
      sort,
      dir,
    }

    const before = decodeCursor(options.before, sort, dir)
    if (before) {
      // Walk backwards from the cursor, then put the rows back in order.
      const rows = await fetchRows(listing, opposite(dir), before)
      const clients = rows.slice(0, perPage).reverse()
      if (clients.length > 0) {
        return {
          clients,
          ...shown,
          isFirstPage: rows.length <= perPage,
          previousCursor: rows.length > perPage ? encodeCursor(clients[0], sort, dir) : null,
          nextCursor: encodeCursor(clients[clients.length - 1], sort, dir),
        }
      }
    }

    const after = before ? null : decodeCursor(options.after, sort, dir)
    const rows = await fetchRows(listing, dir, after)
    const clients = rows.slice(0, perPage)
    return {
      clients,
      ...shown,
      isFirstPage: !after,
      previousCursor: after && clients.length > 0 ? encodeCursor(clients[0], sort, dir) : null,
      nextCursor:
        rows.length > perPage ? encodeCursor(clients[clients.length - 1], sort, dir) : null,
    }
  }
}

type Listing = {
  tenant: Tenant
  sort: ClientSort
  perPage: number
  narrow: Awaited<ReturnType<typeof clientFilterOf>>
}

/**
 * Up to perPage + 1 rows after the cursor in the given direction: the extra
 * row tells whether there is a next page without counting anything.
 */
function fetchRows(
  { tenant, sort, perPage, narrow }: Listing,
  dir: SortDirection,
  cursor: Cursor | null
) {
  const rows = () => narrow(tenant.related('clients').query())
  return seekRows(rows, {
    column: SORT_COLUMNS[sort],
    dir,
    after: cursor,
    limit: perPage + 1,
  })
}

function opposite(dir: SortDirection): SortDirection {
  return dir === 'asc' ? 'desc' : 'asc'
}

function sortValue(client: Client, sort: ClientSort) {
  if (sort === 'email') return client.email
  if (sort === 'name') return client.fullName
  return sqlTime(client.createdAt)
}

/**
 * A cursor names its sort, so one copied into a link with another sort is
 * ignored (first page) rather than misread.
 */
function encodeCursor(client: Client, sort: ClientSort, dir: SortDirection) {
  const payload = JSON.stringify([sort, dir, sortValue(client, sort), client.id])
  return Buffer.from(payload).toString('base64url')
}

function decodeCursor(
  cursor: string | undefined,
  sort: ClientSort,
  dir: SortDirection
): Cursor | null {
  if (!cursor) return null
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (
      Array.isArray(decoded) &&
      decoded.length === 4 &&
      decoded[0] === sort &&
      decoded[1] === dir &&
      typeof decoded[2] === 'string' &&
      Number.isSafeInteger(decoded[3])
    ) {
      return { value: decoded[2], id: decoded[3] }
    }
  } catch {
    // Not base64 or not JSON: a hand-edited link. Start from the top.
  }
  return null
}
