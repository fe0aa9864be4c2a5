import { DateTime } from 'luxon'
import type Mailing from '#models/mailing'
import MailingRun, { type RunStatus } from '#models/mailing_run'
import Delivery, { type DeliveryStatus } from '#models/delivery'
import DeliveryAttempt, { type AttemptOutcome } from '#models/delivery_attempt'

/**
 * Rows of the sending engine, written directly: the statistics read what the
 * engine leaves behind, and these tests must not depend on it running.
 */

let sequence = 0

export async function createRun(
  mailing: Mailing,
  overrides: Partial<{
    status: RunStatus
    statusReason: string | null
    occurrenceAt: DateTime
    total: number
    sent: number
    failed: number
    skipped: number
    startedAt: DateTime | null
    completedAt: DateTime | null
    createdAt: DateTime
  }> = {}
) {
  sequence += 1
  const startedAt =
    overrides.startedAt === undefined
      ? DateTime.now().minus({ minutes: 10 }).startOf('second')
      : overrides.startedAt
  return MailingRun.create({
    tenantId: mailing.tenantId,
    mailingId: mailing.id,
    // Unique per mailing: one run per occurrence.
    occurrenceAt:
      overrides.occurrenceAt ?? DateTime.utc(2030, 1, 1).plus({ minutes: sequence }).toUTC(),
    status: overrides.status ?? 'completed',
    statusReason: overrides.statusReason ?? null,
    total: overrides.total ?? 0,
    sent: overrides.sent ?? 0,
    failed: overrides.failed ?? 0,
    skipped: overrides.skipped ?? 0,
    startedAt: startedAt?.toUTC() ?? null,
    completedAt: overrides.completedAt?.toUTC() ?? null,
    createdAt: (overrides.createdAt ?? startedAt ?? DateTime.now()).toUTC(),
  })
}

export interface DeliveryRow {
  email: string
  status: DeliveryStatus
  fullName?: string
  reason?: string | null
  attempts?: number
}

/**
 * Deliveries of a run, inserted in the given order (so ids grow with it).
 * Only the rows: counters are the test's to set.
 */
export async function createDeliveries(run: MailingRun, rows: DeliveryRow[]) {
  const created: Delivery[] = []
  for (const row of rows) {
    created.push(
      await Delivery.create({
        runId: run.id,
        tenantId: run.tenantId,
        clientId: null,
        email: row.email,
        fullName: row.fullName ?? '',
        status: row.status,
        reason: row.reason ?? null,
        attempts: row.attempts ?? (['queued', 'skipped'].includes(row.status) ? 0 : 1),
        sentAt: row.status === 'sent' ? DateTime.utc() : null,
      })
    )
  }
  return created
}

export function createAttempt(
  delivery: Delivery,
  attempt: {
    outcome: AttemptOutcome
    attemptedAt: DateTime
    smtpCode?: number | null
    response?: string | null
    durationMs?: number
  }
) {
  return DeliveryAttempt.create({
    deliveryId: delivery.id,
    runId: delivery.runId,
    outcome: attempt.outcome,
    smtpCode: attempt.smtpCode ?? null,
    response: attempt.response ?? null,
    durationMs: attempt.durationMs ?? 120,
    attemptedAt: attempt.attemptedAt.toUTC(),
  })
}

/**
 * `count` addresses unique to this call: `prefix-<n>-<i>@example.com`.
 */
export function uniqueEmails(prefix: string, count: number) {
  sequence += 1
  return Array.from({ length: count }, (_, i) => `${prefix}-${sequence}-${i}@example.com`)
}
