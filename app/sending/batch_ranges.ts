import db from '@adonisjs/lucid/services/db'
import sendingConfig from '#config/sending'

/**
 * A batch: the deliveries of one run whose ids are in [fromId, toId]. It is
 * what a send_batch job carries, and what claims, settlements and recovery
 * are limited to.
 */
export interface BatchRange {
  runId: number
  fromId: number
  toId: number
}

/**
 * [first id, last id] of each batch of the run's queued deliveries, in id
 * order: the queued ids are numbered along the (run_id, status, id) index
 * and only every batch's first and last come back, in one query (a
 * million-recipient run has 2,000 batches: a query per batch took seconds,
 * and grouping the numbered rows made PostgreSQL sort them all).
 */
export async function batchRanges(runId: number) {
  const size = sendingConfig.batchSize
  const numbered = db
    .from('deliveries')
    .where({ run_id: runId, status: 'queued' })
    .select('id', db.raw('row_number() over (order by id) as n'))
    .as('numbered')
  const bounds = await db
    .from(numbered)
    .whereRaw('(n - 1) % ? = 0 or n % ? = 0', [size, size])
    .orderBy('id')
    .select('id', 'n')
  const ranges: [number, number][] = []
  for (const row of bounds) {
    const id = Number(row.id)
    if ((Number(row.n) - 1) % size === 0) ranges.push([id, id])
    else ranges[ranges.length - 1][1] = id
  }
  // The last batch ends at the last queued id (its number is seldom a multiple).
  const last = ranges.at(-1)
  if (last) last[1] = Math.max(last[1], (await lastQueuedId(runId)) ?? 0)
  return ranges
}

async function lastQueuedId(runId: number) {
  const row = await db
    .from('deliveries')
    .where({ run_id: runId, status: 'queued' })
    .max('id as id')
    .first()
  return row?.id === null || row?.id === undefined ? null : Number(row.id)
}

/**
 * The nth batch of every run gets priority n (BullMQ runs lower numbers
 * first): runs take turns, so a small run's first batch does not wait
 * behind a large run's hundreds.
 */
export function batchPriority(index: number) {
  return Math.min(index + 1, 2_000_000)
}
