import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { Knex } from 'knex'
import { dispatch } from '#services/queue/dispatch'
import SendBatchJob from '#jobs/send_batch_job'
import { batchPriority, type BatchRange } from '#sending/batch_ranges'
import sendingConfig from '#config/sending'
import { whereRunMaySend } from '#sending/delivery_claims'
import { sqlTime } from '#services/database/sql_time'

export interface StrandedRunsOptions {
  /**
   * A run is looked at only when none of its deliveries was tried for this
   * long: one being sent is left alone, whatever queue its batches are on.
   */
  idleFor: number
  /**
   * The batches Redis still holds (waiting, delayed, running), which cover
   * their ranges: asked only when some run looks stranded.
   */
  liveBatches: () => Promise<BatchRange[]>
}

/**
 * Queues again the work of running runs that no batch job will do any
 * more. Redis keeps the queued batches, and only in memory unless it writes
 * an append-only file: a restart without persistence, a failover or a
 * flush leaves a run's deliveries "queued" in the database with no job to
 * send them, and the run "running" for ever. The database survives, so it
 * decides: a run is stranded when it may send, has due work (queued
 * deliveries whose time has come, or "sending" ones whose claim has gone
 * stale because their worker died with Redis), has had no try for
 * `idleFor`, and no live batch covers that work. Dispatching twice costs
 * nothing but a claim query: every delivery is claimed before it is sent.
 *
 * Returns how many batches it queued.
 */
export default class RedispatchStrandedRuns {
  static async handle({ idleFor, liveBatches }: StrandedRunsOptions) {
    const now = DateTime.now()
    const idleSince = sqlTime(now.minus({ milliseconds: idleFor }))
    const dueWork = whereDueWork(
      sqlTime(now),
      sqlTime(now.minus({ milliseconds: sendingConfig.staleAfter }))
    )

    // Aliased: the may-send condition has a mailing_runs of its own.
    const runs = await db
      .knexQuery()
      .from('mailing_runs as stranded')
      .where('stranded.status', 'running')
      // StartRun queues a run's batches just after its commit.
      .where('stranded.started_at', '<', idleSince)
      .whereExists((query) => whereRunMaySend(query, 'stranded.id'))
      .whereExists((query) =>
        query.from('deliveries').whereRaw('deliveries.run_id = stranded.id').where(dueWork)
      )
      .whereNotExists((query) =>
        query
          .from('delivery_attempts')
          .whereRaw('delivery_attempts.run_id = stranded.id')
          .where('delivery_attempts.attempted_at', '>=', idleSince)
      )
      .select('stranded.id')

    if (runs.length === 0) return 0
    const live = await liveBatches()
    let queued = 0
    for (const { id } of runs) {
      const runId = Number(id)
      const covering = live.filter((batch) => batch.runId === runId)
      const ranges = await uncoveredRanges(runId, dueWork, covering)
      for (const [index, [fromId, toId]] of ranges.entries()) {
        const priority = batchPriority(index)
        await dispatch(SendBatchJob, { runId, fromId, toId }, { priority })
      }
      queued += ranges.length
    }
    return queued
  }
}

/**
 * Deliveries someone must come for: queued and due, or "sending" under a
 * claim older than SEND_STALE_AFTER.
 */
function whereDueWork(now: string, staleBefore: string) {
  return (query: Knex.QueryBuilder) =>
    query
      .where((queuedDue) =>
        queuedDue
          .where('deliveries.status', 'queued')
          .where((due) =>
            due
              .whereNull('deliveries.next_attempt_at')
              .orWhere('deliveries.next_attempt_at', '<=', now)
          )
      )
      .orWhere((stale) =>
        stale.where('deliveries.status', 'sending').where('deliveries.updated_at', '<', staleBefore)
      )
}

/**
 * [first id, last id] ranges of at most SEND_BATCH_SIZE due deliveries of a
 * run that no live batch covers, read with a keyset walk.
 */
async function uncoveredRanges(
  runId: number,
  dueWork: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
  covering: BatchRange[]
) {
  const isCovered = (id: number) => covering.some(({ fromId, toId }) => id >= fromId && id <= toId)
  const ranges: [number, number][] = []
  let current: { from: number; to: number; size: number } | null = null
  const close = () => {
    if (current) ranges.push([current.from, current.to])
    current = null
  }

  let after = 0
  for (;;) {
    const rows = await db
      .knexQuery()
      .from('deliveries')
      .where('run_id', runId)
      .where('id', '>', after)
      .where(dueWork)
      .orderBy('id')
      .limit(sendingConfig.batchSize)
      .select('id')
    if (rows.length === 0) break
    for (const row of rows) {
      const id = Number(row.id)
      if (isCovered(id)) {
        close()
        continue
      }
      current ??= { from: id, to: id, size: 0 }
      current.to = id
      current.size += 1
      if (current.size >= sendingConfig.batchSize) close()
    }
    after = Number(rows[rows.length - 1].id)
  }
  close()
  return ranges
}
