import { setTimeout as sleep } from 'node:timers/promises'
import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import SuppressAddress from '#actions/suppressions/suppress_address'
import CheckWorkspaceReputation from '#actions/bounces/check_workspace_reputation'
import bouncesConfig from '#config/bounces'
import { affectedRows } from '#services/database/affected_rows'
import { sqlTime } from '#services/database/sql_time'

export type ReportedKind = 'hard' | 'soft' | 'complaint'

export interface BounceReport {
  deliveryId: number
  kind: ReportedKind
  /** The enhanced status code (5.1.1), when the report has one. */
  status?: string | null
  /** The remote server's words, or the complaint's feedback type. */
  diagnostic?: string | null
  /** Where it came from: dsn, arf, ses, postmark, sendgrid, mailgun. */
  source: string
  /**
   * The address the report is about: when given, it must be the
   * delivery's, or the report is taken for somebody else's.
   */
  recipient?: string | null
  /**
   * How the report named its delivery: a VERP token proves it alone; our
   * Message-ID (`<delivery-N@host>`) is guessable, so a report that names
   * its delivery by it must also give the delivery's address.
   */
  namedBy?: 'token' | 'message_id'
}

/**
 * - recorded: the delivery changed (counted, announced, suppressed as due);
 * - duplicate: it had already been recorded (the same DSN twice), nothing
 *   counted again;
 * - not_sent_yet: the delivery's send is still being settled, ask again
 *   later (the listener answers 451, the webhooks 503: both are retried);
 * - ignored: the delivery never went out (failed, skipped): nothing to do;
 * - unknown: no such delivery (deleted with its run, or never ours).
 */
export type RecordOutcome = 'recorded' | 'duplicate' | 'not_sent_yet' | 'ignored' | 'unknown'

const MOST_REASON_CHARS = 500

/**
 * How long a report about a delivery still `sending` waits for its batch
 * to settle it (a slice settles within a second or so) before answering
 * not_sent_yet: a fast remote server bounces before our own bookkeeping.
 */
export const SETTLEMENT_WAIT_MS = 3000
const SETTLEMENT_POLL_MS = 250

/**
 * A bounce or complaint that came back after a message was sent, from any
 * of the ways in (bounces:listen, provider webhooks). The delivery goes
 * from `sent` to `bounced` or `complained` with a conditional update, so the
 * same report twice counts once; the run's counter moves in the same
 * transaction, and the address is suppressed:
 *
 * - hard bounce → `hard_bounce` (which reports are hard, and which soft,
 *   is the rule of app/bounces/enhanced_status.ts);
 * - complaint → `complaint`;
 * - soft bounce → counted in the address's streak; the streak reaches
 *   SOFT_BOUNCES_TO_SUPPRESS → `hard_bounce`.
 *
 * A later report about a message already reported is news only when it is
 * stronger: a complaint about a bounced message makes it `complained` (its
 * count moves from bounced to complained), a hard bounce after a soft one
 * of the same message suppresses the address (the delivery stays `bounced`,
 * counted once, with the hard reason); both are announced. Anything else
 * is a `duplicate`.
 *
 * "In a row" means consecutive deliveries to the address in the
 * workspace: a delivery to it sent after the streak's last bounced one,
 * before this one, and still `sent` when this report comes (no bounce of it
 * came back) breaks the streak, which starts again at 1. Reports of older
 * deliveries arriving late add to the streak without moving its end.
 */
export default class RecordBounce {
  static async handle(report: BounceReport, { wait = SETTLEMENT_WAIT_MS } = {}) {
    const waitUntil = Date.now() + wait
    for (;;) {
      const outcome = await record(report)
      if (outcome !== 'not_sent_yet' || Date.now() >= waitUntil) return outcome
      await sleep(SETTLEMENT_POLL_MS)
    }
  }
}

async function record(report: BounceReport): Promise<RecordOutcome> {
  const delivery = await db
    .from('deliveries')
    .join('mailing_runs', 'mailing_runs.id', 'deliveries.run_id')
    .where('deliveries.id', report.deliveryId)
    .select(
      'deliveries.id',
      'deliveries.tenant_id',
      'deliveries.run_id',
      'deliveries.client_id',
      'deliveries.email',
      'deliveries.status',
      'mailing_runs.mailing_id'
    )
    .first()
  if (!delivery) return 'unknown'
  if (report.namedBy === 'message_id' && !report.recipient) return 'unknown'
  if (report.recipient && report.recipient.trim().toLowerCase() !== delivery.email.toLowerCase()) {
    return 'unknown'
  }
  if (delivery.status === 'queued' || delivery.status === 'sending') return 'not_sent_yet'
  if (delivery.status === 'failed' || delivery.status === 'skipped') return 'ignored'

  const tenantId = Number(delivery.tenant_id)
  const deliveryId = Number(delivery.id)
  const now = sqlTime()

  const { changed, suppressed } = await db.transaction(async (trx) => {
    const moveTo = async (from: 'sent' | 'bounced', to: 'bounced' | 'complained') => {
      const updated = await trx
        .from('deliveries')
        .where({ id: deliveryId, status: from })
        .update({ status: to, reason: reasonOf(report), updated_at: now })
      if (affectedRows(updated) !== 1) return false
      const counters = trx.from('mailing_runs').where('id', delivery.run_id)
      // The run's bounced and complained counters are its deliveries in
      // those statuses: a complaint about a bounced message moves it.
      await (from === 'bounced'
        ? counters.increment({ complained: 1, bounced: -1 })
        : counters.increment(to, 1))
      return true
    }
    const suppress = (reason: 'hard_bounce' | 'complaint', detail: string | null) =>
      SuppressAddress.handle(
        { tenantId, email: delivery.email, reason, source: report.source, detail, deliveryId },
        trx
      )

    if (report.kind === 'complaint') {
      // A complaint is news even after a bounce of the same message (a
      // provider may report both): the delivery becomes `complained`.
      const changedRow =
        (await moveTo('sent', 'complained')) || (await moveTo('bounced', 'complained'))
      // SuppressAddress is idempotent and only ever strengthens a reason.
      const newlySuppressed = await suppress('complaint', report.diagnostic ?? null)
      return { changed: changedRow, suppressed: newlySuppressed }
    }

    const changedRow = await moveTo('sent', 'bounced')
    if (report.kind === 'hard') {
      const newlySuppressed = await suppress('hard_bounce', reasonOf(report))
      if (!changedRow && newlySuppressed) {
        // A hard report after a soft one of the same message: the delivery
        // stays `bounced` (counted once) with the stronger reason, and the
        // report is announced since it suppressed the address.
        await trx
          .from('deliveries')
          .where({ id: deliveryId, status: 'bounced' })
          .update({ reason: reasonOf(report), updated_at: now })
      }
      return { changed: changedRow || newlySuppressed, suppressed: newlySuppressed }
    }
    if (!changedRow) return { changed: false, suppressed: false }
    const streak = await countSoftBounce(trx, tenantId, delivery.email, deliveryId, now)
    const threshold = bouncesConfig.softBouncesToSuppress
    const newlySuppressed =
      threshold > 0 &&
      streak >= threshold &&
      (await suppress('hard_bounce', `${streak} soft bounces in a row; last: ${reasonOf(report)}`))
    return { changed: true, suppressed: newlySuppressed }
  })

  if (!changed) return 'duplicate'
  await emitter.emit('delivery:bounced', {
    tenantId,
    runId: Number(delivery.run_id),
    mailingId: Number(delivery.mailing_id),
    deliveryId,
    clientId: delivery.client_id === null ? null : Number(delivery.client_id),
    email: delivery.email,
    kind: report.kind,
    status: report.status ?? null,
    diagnostic: report.diagnostic ?? null,
    source: report.source,
    suppressed,
  })
  try {
    await CheckWorkspaceReputation.handle(tenantId)
  } catch (error) {
    // The report is recorded; the next one checks again.
    logger.error({ err: error, tenantId }, 'The workspace reputation check failed')
  }
  return 'recorded'
}

function reasonOf({ kind, status, diagnostic }: BounceReport) {
  const label = kind === 'complaint' ? 'Complaint' : kind === 'hard' ? 'Hard bounce' : 'Soft bounce'
  const words = [status, diagnostic].filter(Boolean).join(' ')
  return `${label}${words ? `: ${words}` : ''}`.slice(0, MOST_REASON_CHARS)
}

/**
 * Adds a soft bounce to the address's streak and returns its length. The
 * row is locked (PostgreSQL) so two reports at once both count.
 */
async function countSoftBounce(
  trx: TransactionClientContract,
  tenantId: number,
  email: string,
  deliveryId: number,
  now: string
) {
  const key = { tenant_id: tenantId, email: email.trim().toLowerCase() }
  await trx
    .knexQuery()
    .table('soft_bounce_streaks')
    .insert({ ...key, count: 0, last_delivery_id: deliveryId, created_at: now, updated_at: now })
    .onConflict(['tenant_id', 'email'])
    .ignore()
  const streak = await trx.from('soft_bounce_streaks').where(key).forUpdate().firstOrFail()
  const lastId = Number(streak.last_delivery_id)

  let count = Number(streak.count) + 1
  if (deliveryId > lastId) {
    // A delivery in between that nobody reported bouncing was delivered.
    const delivered = await trx
      .from('deliveries')
      .where({ tenant_id: tenantId, email })
      .where('id', '>', lastId)
      .where('id', '<', deliveryId)
      .where('status', 'sent')
      .select('id')
      .first()
    if (delivered) count = 1
  }
  await trx
    .from('soft_bounce_streaks')
    .where(key)
    .update({ count, last_delivery_id: Math.max(lastId, deliveryId), updated_at: now })
  return count
}
