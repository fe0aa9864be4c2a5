import { randomInt } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { Knex } from 'knex'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import { fromSqlTime, sqlTime } from '#services/database/sql_time'
import { preparedStatement, rowsOf } from '#services/database/prepared_statement'
import type { BatchRange } from '#sending/batch_ranges'
import { affectedRows } from '#services/database/affected_rows'
import { SUPPRESSED_REASON_SQL } from '#sending/suppressed_recipients'
import type { AttributeValues } from '#audiences/attribute_values'

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
  /**
   * The client's attributes, as they are when the delivery is claimed: only
   * when the message uses them (claimDeliveries' `withAttributes`).
   */
  attributes?: AttributeValues
  /** The claim that took it, shared by the deliveries of one claim. */
  claim: Claim
}

/**
 * One claim statement's mark on its rows. `token` is written on them
 * (deliveries.claim_token): a row is this claim's only while it is
 * "sending" with this token, so a batch that runs late touches nothing
 * another batch claimed since. `at` is when the claim's time was taken,
 * before the statement was sent: the rows say `at`, however long the
 * statement waited for a connection or a lock, and another batch finds
 * them stale SEND_STALE_AFTER after `at`, not before. (SQLite keeps whole
 * seconds of `at`, but recoverStaleDeliveries compares them with a time
 * cut to the second too: the cut row is older than the cut limit only if
 * `at` itself is older than the limit.)
 */
export interface Claim {
  token: number
  at: number
}

/**
 * A workspace sends only while no block stops it (BlockUser: one of its
 * owners is blocked). Checked once per statement: the run is bound.
 */
export const WORKSPACE_NOT_SUSPENDED = `NOT EXISTS (SELECT 1 FROM workspace_suspensions
    WHERE workspace_suspensions.tenant_id = mailings.tenant_id)`

/**
 * Limits a query to a run that may send now: the run and its mailing are
 * running (not paused, disabled or completed), the mailing is not archived,
 * whoever created it is not blocked and its workspace is not suspended.
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
    .whereRaw(WORKSPACE_NOT_SUSPENDED)
}

/**
 * The same conditions as whereRunMaySend, for one run given as a binding.
 */
const RUN_MAY_SEND = `SELECT 1 FROM mailing_runs
  JOIN mailings ON mailings.id = mailing_runs.mailing_id
  LEFT JOIN users ON users.id = mailings.created_by_id
  WHERE mailing_runs.id = ?
    AND mailing_runs.status = 'running'
    AND mailings.status = 'running'
    AND mailings.archived_at IS NULL
    AND users.blocked_at IS NULL
    AND ${WORKSPACE_NOT_SUSPENDED}`

/**
 * The claim, written out once rather than built per slice. Its shape keeps
 * the work proportional to the slice: the due ids are picked first (a
 * materialized CTE: one range scan of the (run_id, status, id) index, at
 * most `limit` rows), then updated through the primary key. The run's
 * condition binds the run id, so it is checked once per statement. Written
 * as `id IN (subquery) AND EXISTS (… = deliveries.run_id)`, PostgreSQL
 * planned it, on a run's fresh rows (no statistics yet), as a loop over
 * every queued delivery of the run running the subquery for each: 0.5 s a
 * claim at 5,000 recipients, growing with the square of the run's size.
 */
const CLAIM = `WITH due AS MATERIALIZED (
    SELECT id FROM deliveries
    WHERE run_id = ? AND id BETWEEN ? AND ? AND status = 'queued'
      AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
    ORDER BY id
    LIMIT ?
  )
  UPDATE deliveries SET status = 'sending', updated_at = ?, claim_token = ?
  WHERE id IN (SELECT id FROM due)
    -- Checked again on the row itself: another worker may have taken it.
    AND status = 'queued'
    AND EXISTS (${RUN_MAY_SEND})
    -- Only to a client who still exists and has not unsubscribed: one who
    -- left or was deleted during a long run is not mailed. client_id is null
    -- once its client is deleted, and on PostgreSQL (no foreign key,
    -- migration 29) a run starting while clients are deleted may still copy
    -- the id of one just gone. The same lookup of the client by its primary
    -- key as before, so the claim costs the same.
    AND EXISTS (
      SELECT 1 FROM clients
      WHERE clients.id = deliveries.client_id AND clients.unsubscribed_at IS NULL
    )
    -- Nor to an address suppressed since the run started (a bounce or a
    -- complaint from another mailing, an entry added by hand): one probe of
    -- the suppressions' unique (tenant_id, email) index per row.
    AND NOT EXISTS (
      SELECT 1 FROM suppressions s
      WHERE s.tenant_id = deliveries.tenant_id AND s.email = deliveries.email
    )
  RETURNING id, run_id, tenant_id, client_id, email, full_name, attempts`

/**
 * The claim of a message with attribute placeholders: the same, returning
 * each client's attributes too, read by the primary key the claim has just
 * probed (SQLite and PostgreSQL both take a subquery in RETURNING), so a
 * slice of 50 costs no extra statement. A deleted client has none.
 */
const CLAIM_WITH_ATTRIBUTES = `${CLAIM},
    (SELECT clients.attributes FROM clients WHERE clients.id = deliveries.client_id) AS client_attributes`

/**
 * Claims up to `limit` due deliveries of a batch in one UPDATE … RETURNING,
 * in id order, with their clients' attributes when told. Returns nothing
 * when the run may not send (or nothing is due).
 */
export async function claimDeliveries(
  { runId, fromId, toId }: BatchRange,
  limit: number,
  { withAttributes = false }: { withAttributes?: boolean } = {}
) {
  // 48 random bits: two claims of one row share a token once in 2^48.
  const claim: Claim = { token: randomInt(1, 2 ** 48), at: Date.now() }
  const now = sqlTime(claim.at)
  const [name, sql] = withAttributes
    ? ['claim_deliveries_with_attributes', CLAIM_WITH_ATTRIBUTES]
    : ['claim_deliveries', CLAIM]
  const result = await preparedStatement(name, sql, [
    runId,
    fromId,
    toId,
    now,
    limit,
    now,
    claim.token,
    runId,
  ])
  return rowsOf<any>(result)
    .map((row): ClaimedDelivery => ({
      id: Number(row.id),
      runId: row.run_id,
      tenantId: row.tenant_id,
      clientId: row.client_id,
      email: row.email,
      fullName: row.full_name,
      attempts: row.attempts,
      ...(withAttributes ? { attributes: attributesOf(row.client_attributes) } : {}),
      claim,
    }))
    .sort((a, b) => a.id - b.id)
}

/**
 * jsonb arrives parsed, SQLite's JSON as text; no client, no attributes.
 */
function attributesOf(value: string | AttributeValues | null): AttributeValues {
  if (value === null || value === undefined) return {}
  return typeof value === 'string' ? JSON.parse(value) : value
}

/**
 * Limits an UPDATE of claimed deliveries to the rows still under the claims
 * that took them: "sending" with their token. A row taken over since
 * (settled from the log, maybe claimed again) is no longer the caller's.
 * The deliveries of a slice share one claim, so this is one more condition.
 */
export function stillClaimed(query: Knex.QueryBuilder, deliveries: ClaimedDelivery[]) {
  const tokens = new Set(deliveries.map((delivery) => delivery.claim.token))
  return query
    .whereIn(
      'id',
      deliveries.map((delivery) => delivery.id)
    )
    .where('status', 'sending')
    .whereIn('claim_token', [...tokens])
}

/**
 * Hands claimed deliveries that were not tried back to the queue, those
 * still this batch's: one that ran late (frozen during a send) must not
 * queue again, to be sent a second time, what another batch holds now.
 */
export async function releaseDeliveries(deliveries: ClaimedDelivery[]) {
  if (deliveries.length === 0) return
  await stillClaimed(db.knexQuery().from('deliveries'), deliveries).update({
    status: 'queued',
    // Out of "sending", a row holds no claim: a worker of the previous
    // release claims without writing a token, and this batch's renewals
    // would otherwise still match its old one (see recoverStaleDeliveries).
    claim_token: null,
    updated_at: sqlTime(),
  })
}

/**
 * Closes the batch's queued deliveries that claims pass over, and counts
 * them on the run as skipped: those of clients who unsubscribed since the
 * run started, those of addresses suppressed since ("Suppressed: complaint"),
 * and those of clients deleted since (or while it started),
 * whose client_id is cleared as DeleteClients clears it, so the delivery
 * log never points at a client who no longer exists. Returns how many.
 */
export async function skipPassedOverDeliveries({ runId, fromId, toId }: BatchRange) {
  return db.transaction(async (trx) => {
    const queued = () =>
      trx
        .from('deliveries')
        .where('run_id', runId)
        .whereBetween('id', [fromId, toId])
        .where('status', 'queued')
    const clientOf = (query: DatabaseQueryBuilderContract) =>
      query.from('clients').whereRaw('clients.id = deliveries.client_id')
    const now = sqlTime()
    const unsubscribed = await queued()
      .whereExists((query) => clientOf(query).whereNotNull('clients.unsubscribed_at'))
      .update({ status: 'skipped', reason: 'Unsubscribed', updated_at: now })
    const deleted = await queued()
      .whereNotExists((query) => clientOf(query))
      .update({ status: 'skipped', reason: 'Client deleted', client_id: null, updated_at: now })
    const suppressionOf =
      'FROM suppressions s WHERE s.tenant_id = deliveries.tenant_id AND s.email = deliveries.email'
    const suppressed = await queued()
      .whereRaw(`EXISTS (SELECT 1 ${suppressionOf})`)
      .update({
        status: 'skipped',
        reason: trx.knexRawQuery(`(SELECT ${SUPPRESSED_REASON_SQL} ${suppressionOf})`),
        updated_at: now,
      })
    const count = affectedRows(unsubscribed) + affectedRows(deleted) + affectedRows(suppressed)
    if (count > 0) await trx.from('mailing_runs').where('id', runId).increment('skipped', count)
    return count
  })
}

export async function runMaySend(runId: number) {
  const result = await preparedStatement('run_may_send', RUN_MAY_SEND, [runId])
  return rowsOf(result).length > 0
}

/**
 * A batch's hold on the deliveries it claimed (holdClaims).
 */
export interface ClaimHold {
  /** Stops renewing the claims. */
  stop(): void
  /**
   * Whether the delivery is surely still this batch's, to be checked right
   * before it is sent: its claim taken or renewed less than
   * SEND_STALE_AFTER ago (by the time written on its row), and not found
   * taken over by a renewal. A worker frozen longer than that (SIGSTOP, a
   * stalled VM, a long pause) wakes up holding claims another batch may
   * have found stale, settled and sent since: it must not send them.
   * Workers' clocks must agree to well within SEND_STALE_AFTER, as they
   * must for stale claims anyway.
   */
  held(delivery: ClaimedDelivery): boolean
}

/**
 * Keeps a batch's claim on its deliveries fresh while it works through
 * them: deliveries "sending" for longer than SEND_STALE_AFTER are taken to
 * belong to a dead worker and queued again, so a live worker renews the
 * claim on those it still holds (a slow server, a long slice). A renewal
 * touches only rows still under this claim (stillClaimed): one that lands
 * late, after another batch took the rows over, must not refresh the
 * other's claim (a frozen holder's staleness would be hidden) nor let this
 * batch believe the rows are still its own.
 */
export function holdClaims(deliveries: ClaimedDelivery[], staleAfterMs: number): ClaimHold {
  const held = new Set(deliveries.map((delivery) => delivery.id))
  // The times written on the rows (conservative: the earliest claim's).
  let heldAt = Math.min(...deliveries.map((delivery) => delivery.claim.at))
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
      const holding = deliveries.filter((delivery) => held.has(delivery.id))
      if (holding.length === 0) return
      stillClaimed(db.knexQuery().from('deliveries'), holding)
        .update({ updated_at: sqlTime(renewingAt) }, ['id'])
        .then((renewed: { id: number | string }[]) => {
          // What was not renewed is not this batch's any more (taken over,
          // or settled by it). Renewals answer in any order: the hold only
          // shrinks, and its time only moves on.
          const ids = new Set(renewed.map((row) => Number(row.id)))
          for (const id of held) if (!ids.has(id)) held.delete(id)
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
    held: (delivery) => !lost && held.has(delivery.id) && Date.now() - heldAt < staleAfterMs,
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
