import db from '@adonisjs/lucid/services/db'
import type { DateTime } from 'luxon'
import type Mailing from '#models/mailing'
import Delivery, { DELIVERY_STATUSES, type DeliveryStatus } from '#models/delivery'
import DeliveryAttempt from '#models/delivery_attempt'
import { newestFirstMerged, seekRows } from '#services/database/pagination'

export const DELIVERIES_PER_PAGE = 50

export interface DeliveryLogFilters {
  status?: DeliveryStatus
  /** The start of the client's email address. */
  email?: string
  run?: number
  /** The id of the last delivery of the previous page. */
  after?: number
  perPage?: number
}

export interface LoggedRun {
  id: number
  occurrenceAt: DateTime
  total: number
  sent: number
  failed: number
  skipped: number
  bounced: number
  complained: number
}

export interface DeliveryLogRow {
  delivery: Delivery
  run: LoggedRun
  /** Oldest first. */
  attempts: DeliveryAttempt[]
  lastAttemptAt: DateTime | null
}

export interface DeliveryLogPage {
  rows: DeliveryLogRow[]
  /** The mailing's runs, newest first, for the run filter. */
  runs: LoggedRun[]
  isFirstPage: boolean
  /** The `after` of the next page; null on the last page. */
  nextCursor: number | null
}

/**
 * One page of a mailing's delivery log, newest run first and, within a run,
 * newest delivery first, with each delivery's attempts. Keyset pagination on
 * the delivery id: a page continues below the id of the last row shown, so
 * page 20,000 of a log of millions costs what page 1 costs, and nothing is
 * counted. Every query is an index range scan:
 *
 * - browsing (by status or not): run by run on (run_id, status, id), one
 *   short query per status the run's counters say it has;
 * - searching a client: a prefix range on (tenant_id, email).
 *
 * The attempts of the whole page come in one query on (delivery_id).
 */
export default class ListDeliveries {
  static async handle(
    mailing: Mailing,
    filters: DeliveryLogFilters = {}
  ): Promise<DeliveryLogPage> {
    const perPage = filters.perPage ?? DELIVERIES_PER_PAGE
    const runs = await runsOf(mailing)
    const searched = filters.run ? runs.filter((run) => run.id === filters.run) : runs
    const cursor = filters.after ? await cursorAt(filters.after, searched) : null

    const fetched = filters.email
      ? await matchingEmail(mailing, searched, filters, cursor, perPage + 1)
      : await browsing(searched, filters.status, cursor, perPage + 1)
    const deliveries = fetched.slice(0, perPage)

    const attempts = await attemptsOf(deliveries)
    const runsById = new Map(runs.map((run) => [run.id, run]))
    return {
      rows: deliveries.map((delivery) => {
        const own = attempts.get(String(delivery.id)) ?? []
        return {
          delivery,
          run: runsById.get(Number(delivery.runId))!,
          attempts: own,
          lastAttemptAt: own.at(-1)?.attemptedAt ?? null,
        }
      }),
      runs,
      isFirstPage: cursor === null,
      nextCursor: fetched.length > perPage ? Number(deliveries[perPage - 1].id) : null,
    }
  }
}

type Cursor = { runId: number; id: number }

async function runsOf(mailing: Mailing): Promise<LoggedRun[]> {
  const runs = await mailing
    .related('runs')
    .query()
    .select('id', 'occurrence_at', 'total', 'sent', 'failed', 'skipped', 'bounced', 'complained')
    .orderBy('id', 'desc')
  return runs.map((run) => ({
    id: run.id,
    occurrenceAt: run.occurrenceAt,
    total: Number(run.total),
    sent: Number(run.sent),
    failed: Number(run.failed),
    skipped: Number(run.skipped),
    bounced: Number(run.bounced),
    complained: Number(run.complained),
  }))
}

/**
 * Where the page starts: the cursor delivery's run and id. A cursor that is
 * not one of these runs' deliveries (a hand-edited link) starts from the top.
 */
async function cursorAt(after: number, runs: LoggedRun[]): Promise<Cursor | null> {
  const delivery = await db.from('deliveries').select('run_id').where('id', after).first()
  if (!delivery || !runs.some((run) => run.id === Number(delivery.run_id))) return null
  return { runId: Number(delivery.run_id), id: after }
}

/**
 * Walks the runs from the cursor's, newest first, until the page is full.
 * Within a run, one query per status (the (run_id, status, id) index gives
 * each in id order; merging five short lists, newestFirstMerged, beats
 * sorting a 100,000-row run). Statuses a run's counters rule out are not even asked for, so a
 * status filter over hundreds of runs costs a query per run that has some.
 */
async function browsing(
  runs: LoggedRun[],
  status: DeliveryStatus | undefined,
  cursor: Cursor | null,
  limit: number
) {
  const start = cursor ? runs.findIndex((run) => run.id === cursor.runId) : 0
  const found: Delivery[] = []
  for (const run of runs.slice(start)) {
    if (found.length >= limit) break
    const statuses = (status ? [status] : DELIVERY_STATUSES).filter((s) => mayHave(run, s))
    const newestFirst = await newestFirstMerged(
      statuses.map((s) => Delivery.query().where('run_id', run.id).where('status', s)),
      { after: cursor?.runId === run.id ? cursor.id : undefined, limit: limit - found.length }
    )
    found.push(...newestFirst)
  }
  return found
}

/**
 * Whether a run's counters allow deliveries in a status. The counters move
 * with the deliveries' final statuses, so a run with no failure has no
 * failed delivery to look for; waiting ones are whatever is not final yet.
 */
function mayHave(run: LoggedRun, status: DeliveryStatus) {
  // `sent` counts the bounced and complained-of ones too.
  if (status === 'sent') return run.sent - run.bounced - run.complained > 0
  if (status === 'bounced') return run.bounced > 0
  if (status === 'complained') return run.complained > 0
  if (status === 'failed') return run.failed > 0
  if (status === 'skipped') return run.skipped > 0
  return run.total - run.sent - run.failed - run.skipped > 0
}

/**
 * Deliveries whose address starts with the search, on the workspace's
 * (tenant_id, email) index, in the log's order (newest run, newest id).
 * Addresses are stored lower-case.
 */
async function matchingEmail(
  mailing: Mailing,
  runs: LoggedRun[],
  filters: DeliveryLogFilters,
  cursor: Cursor | null,
  limit: number
) {
  if (runs.length === 0) return []
  const rows = () => {
    const query = Delivery.query()
      .where('tenant_id', mailing.tenantId)
      .whereIn(
        'run_id',
        runs.map((run) => run.id)
      )
    whereEmailStartsWith(query, filters.email!.toLowerCase())
    if (filters.status) query.where('status', filters.status)
    return query
  }
  return seekRows(rows, {
    column: 'run_id',
    dir: 'desc',
    after: cursor && { value: cursor.runId, id: cursor.id },
    limit,
  })
}

/**
 * A prefix condition the email index serves. SQLite's LIKE ignores case and
 * so cannot use a case-sensitive index: a range does, exactly, as SQLite
 * compares text byte-wise and UTF-8 keeps code point order. PostgreSQL's
 * LIKE 'prefix%' uses the index under the C collation and stays correct
 * under any other.
 */
function whereEmailStartsWith(query: ReturnType<typeof Delivery.query>, prefix: string) {
  if (db.connection().dialect.name === 'postgres') {
    query.whereRaw(`email like ? escape '\\'`, [`${prefix.replace(/[\\%_]/g, '\\$&')}%`])
    return
  }
  query.where('email', '>=', prefix)
  const upper = textAfterPrefix(prefix)
  if (upper !== null) query.where('email', '<', upper)
}

/**
 * The first text after all those starting with the prefix: its last
 * character one code point further. The last code point (U+10FFFF) has
 * none: the character before it moves instead, and a prefix of nothing
 * else has no upper bound. Surrogates are skipped: they are not characters
 * and would reach the database as U+FFFD.
 */
function textAfterPrefix(prefix: string): string | null {
  const chars = [...prefix]
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!
    if (last < 0x10ffff) {
      const next = last + 1 >= 0xd800 && last + 1 <= 0xdfff ? 0xe000 : last + 1
      return chars.join('') + String.fromCodePoint(next)
    }
  }
  return null
}

/**
 * The attempts of the page's deliveries, in one query, by delivery id.
 * Ids are keyed as text: PostgreSQL returns bigint columns as strings.
 */
async function attemptsOf(deliveries: Delivery[]) {
  const byDelivery = new Map<string, DeliveryAttempt[]>()
  if (deliveries.length === 0) return byDelivery
  const attempts = await DeliveryAttempt.query()
    .whereIn(
      'delivery_id',
      deliveries.map((delivery) => delivery.id)
    )
    .orderBy('attempted_at', 'asc')
    .orderBy('id', 'asc')
  for (const attempt of attempts) {
    const key = String(attempt.deliveryId)
    byDelivery.set(key, [...(byDelivery.get(key) ?? []), attempt])
  }
  return byDelivery
}
