import emitter from '@adonisjs/core/services/emitter'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { DateTime } from 'luxon'
import { stillClaimed, type ClaimedDelivery } from '#sending/delivery_claims'
import type { BatchRange } from '#sending/batch_ranges'
import { sqlTime } from '#services/database/sql_time'
import sendingConfig from '#config/sending'
import type { SmtpOutcome } from '#sending/smtp_outcomes'
import { suppressHardBounces } from '#sending/hard_bounces'
import type { EventsList } from '@adonisjs/core/types'
import { affectedRows } from '#services/database/affected_rows'
import { preparedStatement, rowsOf } from '#services/database/prepared_statement'
import { inSqliteTransaction } from '#services/database/sqlite_statements'

/**
 * The attempt log is written first, one row per try, the moment the mail
 * server has answered: it is the record of what happened. A delivery's
 * status follows from it and is written for a whole slice of messages at
 * once (with the run's counters), which spares the database a transaction
 * per message. A worker that dies in between leaves its deliveries
 * "sending"; recoverStaleDeliveries settles them from the log, so a message
 * the server accepted is never sent again, grouped or not.
 */

/**
 * What a try means for its delivery.
 */
export interface Settlement {
  delivery: ClaimedDelivery
  outcome: SmtpOutcome
  status: 'sent' | 'failed' | 'queued'
  reason: string | null
  attempts: number
  nextAttemptAt: string | null
}

/**
 * Tries and backoff (config/sending.ts): `maxAttempts` tries for transient
 * failures, the first retry after `retryDelay` ms.
 */
type RetryPolicy = Pick<typeof sendingConfig, 'maxAttempts' | 'retryDelay'>

/**
 * The delivery's next status after a try: sent; failed for good (a 5xx, or
 * the last transient failure allowed); or queued again, for a retry after a
 * backoff, or untouched when the try never reached the recipient's part
 * (the server's configuration is wrong). The policy is passed for the
 * unit spec (tests/unit/settlements.spec.ts).
 */
export function settlementOf(
  delivery: ClaimedDelivery,
  outcome: SmtpOutcome,
  { maxAttempts, retryDelay: firstDelay }: RetryPolicy = sendingConfig
): Settlement {
  const attempts = delivery.attempts + 1
  const settled = { delivery, outcome, attempts, nextAttemptAt: null }
  switch (outcome.kind) {
    case 'sent':
      return { ...settled, status: 'sent', reason: null }
    case 'permanent':
      return { ...settled, status: 'failed', reason: outcome.response }
    case 'configuration':
      // Not the recipient's fault: the try does not count against them.
      return { ...settled, status: 'queued', reason: outcome.response, attempts: delivery.attempts }
    case 'transient':
      if (attempts >= maxAttempts) {
        return {
          ...settled,
          status: 'failed',
          reason: `Gave up after ${attempts} attempts: ${outcome.response}`,
        }
      }
      return {
        ...settled,
        status: 'queued',
        reason: outcome.response,
        nextAttemptAt: sqlTime(
          DateTime.now().plus({ milliseconds: retryDelay(firstDelay, attempts) })
        ),
      }
  }
}

const JITTER = 0.2

/**
 * Exponential backoff with ±20 % jitter, so retries of many deliveries do
 * not hit the server at the same instant.
 */
function retryDelay(firstDelay: number, attempt: number) {
  const base = firstDelay * 2 ** (attempt - 1)
  return Math.round(base * (1 - JITTER + Math.random() * 2 * JITTER))
}

/**
 * The longest a delivery waits between its first try and its last: every
 * retry delay at its largest jitter (how long `mailings:send --sync` may
 * have to wait for a run to finish).
 */
export function longestRetryWait({
  maxAttempts,
  retryDelay: firstDelay,
}: RetryPolicy = sendingConfig) {
  let total = 0
  for (let attempt = 1; attempt < maxAttempts; attempt++) {
    total += firstDelay * 2 ** (attempt - 1) * (1 + JITTER)
  }
  return Math.ceil(total)
}

type FinishedDelivery = EventsList['deliveries:finished']['deliveries'][number]

export interface RunRef {
  runId: number
  mailingId: number
  tenantId: number
  requestId?: string
}

/**
 * A column's value from the delivery's attempt log, for UPDATEs of
 * deliveries: `sent_at` is the time of the accepted try, `attempts` the
 * tries that counted against the recipient.
 */
const FROM_LOG = {
  sentAt: `(SELECT MAX(attempted_at) FROM delivery_attempts
      WHERE delivery_attempts.delivery_id = deliveries.id AND delivery_attempts.outcome = 'sent')`,
  attempts: `(SELECT COUNT(*) FROM delivery_attempts
      WHERE delivery_attempts.delivery_id = deliveries.id AND delivery_attempts.outcome <> 'paused')`,
  permanentReason: `(SELECT SUBSTR(response, 1, 500) FROM delivery_attempts
      WHERE delivery_attempts.delivery_id = deliveries.id AND delivery_attempts.outcome = 'permanent'
      ORDER BY delivery_attempts.id DESC LIMIT 1)`,
}

/**
 * The settlements of a slice not yet written, written together.
 */
export class PendingSettlements {
  #pending: Settlement[] = []
  #oldestAt = 0

  constructor(private run: RunRef) {}

  add(settlement: Settlement) {
    if (this.#pending.length === 0) this.#oldestAt = performance.now()
    this.#pending.push(settlement)
  }

  /**
   * Whether the oldest unwritten settlement has waited `ms`: with a slow
   * mail server a slice takes long, and statuses should not lag behind.
   */
  waitedFor(ms: number) {
    return this.#pending.length > 0 && performance.now() - this.#oldestAt >= ms
  }

  /**
   * Writes the pending deliveries' statuses and the run's counters, then
   * announces the finished ones: the sent ones in one statement with their
   * counter (settleSent), the others (rarer: a slice settles at once after
   * a try that did not send) in one transaction with theirs.
   */
  async settle() {
    const settlements = this.#pending
    if (settlements.length === 0) return
    this.#pending = []

    const sent = settlements.filter((settlement) => settlement.status === 'sent')
    const others = settlements.filter((settlement) => settlement.status !== 'sent')
    const now = sqlTime()
    // Only deliveries still under this batch's claim ("sending" with its
    // token) are settled, and only those are counted on the run: a batch
    // that wakes up late (a frozen worker) may find its slice already
    // settled from the log by another worker, which counted it then, or
    // claimed again by a third one, whose delivery it is to settle. The
    // tries a row has do not tell: a try stopped by the server's
    // configuration does not count, so a row claimed again after it has the
    // tries it had, and writing "queued" over that claim would have the
    // delivery sent by two batches. The ids this batch settled: only those
    // are announced (webhooks), the others were announced by whoever
    // settled them.
    const settled = new Set<number>()
    if (sent.length > 0) {
      const claimed = sent.map(({ delivery }) => delivery)
      for (const id of await settleSent(this.run.runId, claimed, now)) settled.add(id)
    }
    try {
      if (others.length > 0) await settleOthers(this.run.runId, others, now, settled)
    } finally {
      // What was settled is announced even when the rest failed to be:
      // nobody else will announce it.
      await announce(
        this.run,
        settlements.flatMap(({ delivery, status, attempts, outcome }) =>
          status === 'queued' || !settled.has(delivery.id)
            ? []
            : [
                {
                  deliveryId: delivery.id,
                  clientId: delivery.clientId,
                  email: delivery.email,
                  status,
                  attempts,
                  smtpCode: outcome.code,
                  response: outcome.response,
                },
              ]
        )
      )
      await suppressHardBounces(others)
    }
  }
}

/**
 * Marks sent the deliveries still under this batch's claim (stillClaimed) and counts them on the
 * run, atomically; returns their ids. Written once per slice for every
 * message a worker sends, so it skips Knex: on PostgreSQL one statement
 * (the counter in a data-modifying CTE, prepared once per connection, one
 * round trip instead of four with a transaction around two statements), on
 * SQLite two statements prepared once per connection in one transaction.
 */
async function settleSent(
  runId: number,
  deliveries: ClaimedDelivery[],
  now: string
): Promise<number[]> {
  const ids = deliveries.map((delivery) => delivery.id)
  const tokens = [...new Set(deliveries.map((delivery) => delivery.claim.token))]
  if (db.connection().dialect.name === 'better-sqlite3') {
    return inSqliteTransaction((statement) => {
      const rows = statement(SETTLE_SENT_SQLITE).all(
        now,
        JSON.stringify(ids),
        JSON.stringify(tokens)
      ) as { id: number }[]
      if (rows.length > 0) statement(COUNT_SENT_SQLITE).run(rows.length, runId)
      return rows.map(({ id }) => Number(id))
    })
  }
  const result = await preparedStatement('deliveries_settle_sent', SETTLE_SENT_POSTGRES, [
    now,
    `{${ids.join(',')}}`,
    `{${tokens.join(',')}}`,
    runId,
  ])
  return rowsOf<{ id: number | string }>(result).map(({ id }) => Number(id))
}

const SENT = `status = 'sent', reason = NULL, next_attempt_at = NULL,
  attempts = attempts + 1, sent_at = ${FROM_LOG.sentAt}, updated_at = ?`

const SETTLE_SENT_POSTGRES = `WITH settled AS (
    UPDATE deliveries SET ${SENT}
    WHERE id = ANY(?::bigint[]) AND status = 'sending' AND claim_token = ANY(?::bigint[])
    RETURNING id
  ), counted AS (
    UPDATE mailing_runs SET sent = sent + (SELECT COUNT(*) FROM settled)
    WHERE id = ? AND EXISTS (SELECT 1 FROM settled)
  )
  SELECT id FROM settled`

const SETTLE_SENT_SQLITE = `UPDATE deliveries SET ${SENT}
  WHERE id IN (SELECT value FROM json_each(?)) AND status = 'sending'
    AND claim_token IN (SELECT value FROM json_each(?))
  RETURNING id`

const COUNT_SENT_SQLITE = `UPDATE mailing_runs SET sent = sent + ? WHERE id = ?`

/**
 * Writes the tries that did not send (retries, failures, paused by the
 * server's configuration) and counts the failures on the run, in one
 * transaction; adds the ids it settled to `settled`.
 */
async function settleOthers(
  runId: number,
  others: Settlement[],
  now: string,
  settled: Set<number>
) {
  await db.transaction(async (trx) => {
    let failed = 0
    for (const settlement of others) {
      const updated = await stillClaimed(trx.knexQuery().from('deliveries'), [
        settlement.delivery,
      ]).update({
        status: settlement.status,
        reason: settlement.reason?.slice(0, 500) ?? null,
        attempts: settlement.attempts,
        next_attempt_at: settlement.nextAttemptAt,
        // A retry goes back to the queue holding no claim (releaseDeliveries).
        claim_token: null,
        updated_at: now,
      })
      if (affectedRows(updated) === 0) continue
      settled.add(settlement.delivery.id)
      if (settlement.status === 'failed') failed += 1
    }
    await countOnRun(trx, runId, { sent: 0, failed })
  })
}

async function countOnRun(
  client: QueryClientContract,
  runId: number,
  counts: { sent: number; failed: number }
) {
  if (counts.sent === 0 && counts.failed === 0) return
  await client.from('mailing_runs').where('id', runId).increment(counts)
}

async function announce(run: RunRef, finished: FinishedDelivery[]) {
  if (finished.length === 0) return
  await emitter.emit('deliveries:finished', { ...run, deliveries: finished })
}

/**
 * Deliveries left "sending" for longer than `staleAfterMs` belong to a
 * worker that died. Those its log shows accepted are sent, those refused for
 * good are failed (both counted and announced); the others go back to the
 * queue, with their tries counted from the log.
 */
export async function recoverStaleDeliveries(
  { runId, fromId, toId }: BatchRange,
  run: RunRef,
  staleAfterMs: number
) {
  const now = sqlTime()
  const staleBefore = sqlTime(DateTime.now().minus({ milliseconds: staleAfterMs }))
  const stale = (client: QueryClientContract) =>
    client
      .knexQuery()
      .from('deliveries')
      .where('run_id', runId)
      .whereBetween('id', [fromId, toId])
      .where('status', 'sending')
      .where('updated_at', '<', staleBefore)
  const loggedAs = (outcome: string) =>
    db
      .knexQuery()
      .from('delivery_attempts')
      .whereRaw('delivery_attempts.delivery_id = deliveries.id')
      .where('outcome', outcome)
  const returned = ['id', 'client_id', 'email', 'attempts'] as const
  // The token goes with the claim taken over: a worker of the previous
  // release, which claims without writing one, would otherwise leave the
  // late holder's token on its own claim (during a rolling deploy).
  const unclaimed = { claim_token: null }

  const { sent, failed } = await db.transaction(async (trx) => {
    const sentRows = await stale(trx)
      .whereExists(loggedAs('sent'))
      .update({
        ...unclaimed,
        status: 'sent',
        reason: null,
        next_attempt_at: null,
        attempts: db.knexRawQuery(FROM_LOG.attempts),
        sent_at: db.knexRawQuery(FROM_LOG.sentAt),
        updated_at: now,
      })
      .returning([...returned])
    const failedRows = await stale(trx)
      .whereExists(loggedAs('permanent'))
      .update({
        ...unclaimed,
        status: 'failed',
        reason: db.knexRawQuery(FROM_LOG.permanentReason),
        next_attempt_at: null,
        attempts: db.knexRawQuery(FROM_LOG.attempts),
        updated_at: now,
      })
      .returning([...returned, 'reason'])
    await stale(trx).update({
      ...unclaimed,
      status: 'queued',
      attempts: db.knexRawQuery(FROM_LOG.attempts),
      updated_at: now,
    })
    await countOnRun(trx, runId, { sent: sentRows.length, failed: failedRows.length })
    return { sent: sentRows as any[], failed: failedRows as any[] }
  })

  const recovered = (row: any, status: 'sent' | 'failed'): FinishedDelivery => ({
    deliveryId: Number(row.id),
    clientId: row.client_id,
    email: row.email,
    status,
    attempts: row.attempts,
    smtpCode: null,
    response: status === 'sent' ? 'Accepted (settled from the attempt log)' : (row.reason ?? ''),
  })
  await announce(run, [
    ...sent.map((row) => recovered(row, 'sent')),
    ...failed.map((row) => recovered(row, 'failed')),
  ])
}
