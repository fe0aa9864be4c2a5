import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { SUPPRESSION_REASONS, type SuppressionReason } from '#models/suppression'
import { sqlTime } from '#services/database/sql_time'
import { storableText } from '#services/database/storable_text'
import { affectedRows } from '#services/database/affected_rows'

export interface SuppressionInput {
  tenantId: number
  email: string
  reason: SuppressionReason
  /** Where it came from: "unsubscribe", "smtp", "dsn", "ses", "api", "manual", … */
  source: string
  /** The server's or the person's words, kept for the list page. */
  detail?: string | null
  deliveryId?: number | null
}

/**
 * SQL that ranks a reason by SUPPRESSION_REASONS' order (a constant list,
 * never user input).
 */
function rank(value: string) {
  const cases = SUPPRESSION_REASONS.map((reason, index) => `WHEN '${reason}' THEN ${index}`)
  return `(CASE ${value} ${cases.join(' ')} ELSE -1 END)`
}

/**
 * The most of a bounce's diagnostic kept with the entry.
 */
const MOST_DETAIL_CHARS = 1000

/**
 * Puts an address on its workspace's suppression list: every way an
 * address gets there (unsubscribe, a bounce at send time or later, a
 * complaint, a person) goes through here.
 *
 * Safe under concurrency (two bounces of one address at the same moment make
 * one entry, the unique (tenant_id, email) index decides): an existing
 * entry keeps its date and is only raised to a stronger reason
 * (SUPPRESSION_REASONS' order), so a complaint never turns back into an
 * unsubscribe.
 *
 * Announces `client:suppressed` (types/events.ts) when the address gets on
 * the list or its reason is raised.
 *
 * Returns true when the address was not suppressed before.
 */
export default class SuppressAddress {
  static async handle(input: SuppressionInput, trx?: TransactionClientContract) {
    const client = trx ?? db
    const email = input.email.trim().toLowerCase()
    const now = sqlTime()

    const row = {
      tenant_id: input.tenantId,
      email,
      reason: input.reason,
      source: input.source,
      detail: input.detail ? storableText(input.detail, MOST_DETAIL_CHARS) : null,
      delivery_id: input.deliveryId ?? null,
      updated_at: now,
    }
    // Insert first: of two callers at the same moment exactly one gets the
    // row back, so "new" is said once.
    const inserted = await client
      .knexQuery()
      .table('suppressions')
      .insert({ ...row, created_at: now })
      .onConflict(['tenant_id', 'email'])
      .ignore()
      .returning('id')
    if (inserted.length > 0) {
      await announce(input, email, true, trx)
      return true
    }

    const raised = await client
      .from('suppressions')
      .where({ tenant_id: input.tenantId, email })
      .whereRaw(`${rank('reason')} < ${rank('?')}`, [input.reason])
      .update(row)
    if (affectedRows(raised) > 0) await announce(input, email, false, trx)
    return false
  }
}

/**
 * Says `client:suppressed` once the entry is there for others to see: at
 * once, or after the caller's transaction commits (never for one rolled
 * back). Listeners log their own failures (start/events.ts), and are not
 * awaited by the caller's transaction.
 */
async function announce(
  input: SuppressionInput,
  email: string,
  isNew: boolean,
  trx?: TransactionClientContract
) {
  const event = {
    tenantId: input.tenantId,
    email,
    reason: input.reason,
    source: input.source,
    detail: input.detail ?? null,
    deliveryId: input.deliveryId ?? null,
    isNew,
  }
  const emit = () => emitter.emit('client:suppressed', event)
  if (trx) trx.after('commit', emit)
  else await emit()
}
