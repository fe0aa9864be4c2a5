import db from '@adonisjs/lucid/services/db'
import type { Knex } from 'knex'
import { fromSqlTime, sqlTime } from '#services/database/sql_time'
import type { BatchRange } from '#sending/batch_ranges'

/**
 * Who may take which delivery, decided by conditional updates so that any
 * number of workers, retried jobs and restarted processes agree without a
 * lock: a delivery moves queued → sending for exactly one of them.
 */

/**
 * What sending a claimed delivery needs: plain values, not a model, since a
 * worker claims hundreds of them a second.
 */
export interface ClaimedDelivery {
  id: number
  runId: number
  tenantId: number
  clientId: number | null
  email: string
  fullName: string
  attempts: number
}

/**
 * Limits a query to a run that may send now: the run and its mailing are
 * running (not paused, disabled or completed), the mailing is not archived
 * and whoever created it is not blocked.
 */
export function whereRunMaySend(query: Knex.QueryBuilder, runIdColumn: string) {
  return query
    .from('mailing_runs')
    .join('mailings', 'mailings.id', 'mailing_runs.mailing_id')
    .leftJoin('users', 'users.id', 'mailings.created_by_id')
    .whereRaw(`mailing_runs.id = ${runIdColumn}`)
    .where('mailing_runs.status', 'running')
    .where('mailings.status', 'running')
    .whereNull('mailings.archived_at')
    .whereNull('users.blocked_at')
}

/**
 * Claims up to `limit` due deliveries of a batch in one UPDATE … RETURNING,
 * in id order. Returns nothing when the run may not send (or nothing is due).
 */
export async function claimDeliveries({ runId, fromId, toId }: BatchRange, limit: number) {
  // Knex rather than Lucid's builder: Lucid drops RETURNING on SQLite.
  const due = db
    .knexQuery()
    .from('deliveries')
    .select('id')
    .where('run_id', runId)
    .whereBetween('id', [fromId, toId])
    .where('status', 'queued')
    .where((query) =>
      query.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', sqlTime())
    )
    .orderBy('id')
    .limit(limit)

  const rows = await db
    .knexQuery()
    .from('deliveries')
    .whereIn('id', due)
    // Checked again on the row itself: another worker may have taken it.
    .where('status', 'queued')
    .whereExists((query) => whereRunMaySend(query, 'deliveries.run_id'))
    // A client who left during a long run is not mailed anyway.
    .whereNotExists((query) =>
      query
        .from('clients')
        .whereRaw('clients.id = deliveries.client_id')
        .whereNotNull('clients.unsubscribed_at')
    )
    .update({ status: 'sending', updated_at: sqlTime() })
    .returning(['id', 'run_id', 'tenant_id', 'client_id', 'email', 'full_name', 'attempts'])

  return (rows as any[])
    .map((row): ClaimedDelivery => ({
      id: Number(row.id),
      runId: row.run_id,
      tenantId: row.tenant_id,
      clientId: row.client_id,
      email: row.email,
      fullName: row.full_name,
      attempts: row.attempts,
    }))
    .sort((a, b) => a.id - b.id)
}

/**
 * Hands claimed deliveries that were not tried back to the queue.
 */
export async function releaseDeliveries(deliveries: ClaimedDelivery[]) {
  if (deliveries.length === 0) return
  await db
    .from('deliveries')
    .whereIn(
      'id',
      deliveries.map((delivery) => delivery.id)
    )
    .where('status', 'sending')
    .update({ status: 'queued', updated_at: sqlTime() })
}

/**
 * Marks the batch's queued deliveries of clients who have unsubscribed
 * since the run started (claims pass them over) as skipped, and counts them
 * on the run. Returns how many.
 */
export async function skipUnsubscribedDeliveries({ runId, fromId, toId }: BatchRange) {
  return db.transaction(async (trx) => {
    const skipped = await trx
      .from('deliveries')
      .where('run_id', runId)
      .whereBetween('id', [fromId, toId])
      .where('status', 'queued')
      .whereExists((query) =>
        query
          .from('clients')
          .whereRaw('clients.id = deliveries.client_id')
          .whereNotNull('clients.unsubscribed_at')
      )
      .update({ status: 'skipped', reason: 'Unsubscribed', updated_at: sqlTime() })
    const count = Number(Array.isArray(skipped) ? skipped[0] : skipped)
    if (count > 0) await trx.from('mailing_runs').where('id', runId).increment('skipped', count)
    return count
  })
}

export async function runMaySend(runId: number) {
  const row = await db
    .knexQuery()
    .select(db.knexRawQuery('1 as live'))
    .whereExists((query) => whereRunMaySend(query, String(Number(runId))))
    .first()
  return Boolean(row)
}

/**
 * A batch's hold on the deliveries it claimed (holdClaims).
 */
export interface ClaimHold {
  /** Stops renewing the claims. */
  stop(): void
  /**
   * Whether the claims are surely still this batch's: taken or renewed less
   * than SEND_STALE_AFTER ago. A worker frozen longer than that (SIGSTOP, a
   * stalled VM, a long pause) wakes up holding claims another batch may
   * have found stale, settled and sent since: it must not send them.
   * Workers' clocks must agree to well within SEND_STALE_AFTER, as they
   * must for stale claims anyway.
   */
  held(): boolean
}

/**
 * Keeps a batch's claim on its deliveries fresh while it works through
 * them: deliveries "sending" for longer than SEND_STALE_AFTER are taken to
 * belong to a dead worker and queued again, so a live worker renews the
 * claim on those it still holds (a slow server, a long slice).
 */
export function holdClaims(deliveries: ClaimedDelivery[], staleAfterMs: number): ClaimHold {
  const ids = deliveries.map((delivery) => delivery.id)
  let heldAt = Date.now()
  let lost = false
  const timer = setInterval(
    () => {
      const renewingAt = Date.now()
      // Not renewed for a whole SEND_STALE_AFTER (the process was frozen,
      // or the database away): the claims may be someone else's by now,
      // and renewing them would only hide that.
      if (renewingAt - heldAt >= staleAfterMs) {
        lost = true
        clearInterval(timer)
        return
      }
      db.from('deliveries')
        .whereIn('id', ids)
        .where('status', 'sending')
        .update({ updated_at: sqlTime() })
        .then(() => {
          heldAt = Math.max(heldAt, renewingAt)
        })
        .catch(() => {
          // The next renewal tries again; a missed one only risks a takeover.
        })
    },
    Math.max(100, Math.floor(staleAfterMs / 3))
  )
  return {
    stop: () => clearInterval(timer),
    held: () => !lost && Date.now() - heldAt < staleAfterMs,
  }
}

/**
 * When someone must come back for a range, in epoch milliseconds, or null
 * when nothing in it waits: its earliest retry (now for a delivery due at
 * once), or, for deliveries still "sending" under someone else's claim, the
 * moment that claim goes stale. A batch taken over from a dead worker finds
 * the dead one's claims still fresh; without coming back once they are
 * stale, nobody would ever settle them and the run would never end.
 */
export async function nextWorkAt({ runId, fromId, toId }: BatchRange, staleAfterMs: number) {
  const row = await db
    .from('deliveries')
    .where('run_id', runId)
    .whereBetween('id', [fromId, toId])
    .whereIn('status', ['queued', 'sending'])
    .select(
      db.raw(
        "SUM(CASE WHEN status = 'queued' AND next_attempt_at IS NULL THEN 1 ELSE 0 END) AS due"
      ),
      db.raw("MIN(CASE WHEN status = 'queued' THEN next_attempt_at END) AS next_retry"),
      db.raw("MIN(CASE WHEN status = 'sending' THEN updated_at END) AS oldest_claim")
    )
    .first()
  if (Number(row?.due) > 0) return Date.now()
  const times = [
    row?.next_retry ? fromSqlTime(row.next_retry) : null,
    row?.oldest_claim ? fromSqlTime(row.oldest_claim) + staleAfterMs : null,
  ].filter((time): time is number => time !== null)
  return times.length > 0 ? Math.min(...times) : null
}
