import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import MailingRun from '#models/mailing_run'
import Delivery from '#models/delivery'
import DeliveryAttempt, { type AttemptOutcome } from '#models/delivery_attempt'
import sendingConfig from '#config/sending'
import { batchRanges } from '#sending/batch_ranges'
import { recoverStaleDeliveries } from '#sending/delivery_settlements'
import { startedRun } from '#tests/helpers/sending'
import { sqlTime } from '#services/database/sql_time'

/**
 * What a delivery a worker left "sending" becomes, given its rows in the
 * attempt log, when the next batch over its range settles it
 * (recoverStaleDeliveries). The log is the record: a message it shows
 * accepted is never sent again, one refused for good is never tried again,
 * and the tries that count against the recipient (not those a server's
 * configuration stopped) are counted from it. A row is a rule: the tries
 * logged, how old the claim is, and what the delivery becomes.
 */

interface Row {
  rule: string
  logged: AttemptOutcome[]
  /** A claim younger than SEND_STALE_AFTER belongs to a worker that may be alive. */
  claim?: 'stale' | 'fresh'
  then: { status: Delivery['status']; attempts: number; reason: string | null }
}

const REPLIES: Record<AttemptOutcome, [number, string]> = {
  sent: [250, '250 OK'],
  transient: [451, '451 Try again later'],
  permanent: [550, '550 No such user'],
  paused: [535, '535 Authentication failed'],
}

const rows: Row[] = [
  {
    rule: 'nothing logged (died before the server answered): queued again',
    logged: [],
    then: { status: 'queued', attempts: 0, reason: null },
  },
  {
    rule: 'accepted: sent, never sent again',
    logged: ['sent'],
    then: { status: 'sent', attempts: 1, reason: null },
  },
  {
    rule: 'accepted after a deferral: sent, both tries counted',
    logged: ['transient', 'sent'],
    then: { status: 'sent', attempts: 2, reason: null },
  },
  {
    rule: 'refused for good: failed with the refusal, never tried again',
    logged: ['permanent'],
    then: { status: 'failed', attempts: 1, reason: '550 No such user' },
  },
  {
    rule: 'refused for good after a deferral: failed, both tries counted',
    logged: ['transient', 'permanent'],
    then: { status: 'failed', attempts: 2, reason: '550 No such user' },
  },
  {
    rule: 'deferred: queued again, its try counted',
    logged: ['transient'],
    then: { status: 'queued', attempts: 1, reason: null },
  },
  {
    rule: 'deferred twice: queued again, both tries counted',
    logged: ['transient', 'transient'],
    then: { status: 'queued', attempts: 2, reason: null },
  },
  {
    rule: 'stopped by the server configuration: queued again, not counted against the recipient',
    logged: ['paused'],
    then: { status: 'queued', attempts: 0, reason: null },
  },
  {
    rule: 'deferred, then stopped by the configuration: queued again, one try counted',
    logged: ['transient', 'paused'],
    then: { status: 'queued', attempts: 1, reason: null },
  },
  {
    rule: 'accepted under a fresh claim: left to the worker that holds it',
    logged: ['sent'],
    claim: 'fresh',
    then: { status: 'sending', attempts: 0, reason: null },
  },
]

test.group('Settling a dead worker’s deliveries from the attempt log', () => {
  for (const row of rows) {
    test(row.rule, async ({ assert }) => {
      const { run } = await startedRun(1, 'Settlement test')
      const [[fromId, toId]] = await batchRanges(run.id)
      const delivery = await Delivery.findByOrFail('runId', run.id)
      const claimedAt =
        row.claim === 'fresh' ? DateTime.now() : DateTime.now().minus({ minutes: 10 })
      await Delivery.query()
        .where('id', delivery.id)
        .update({ status: 'sending', updatedAt: sqlTime(claimedAt) })
      const tries = await DeliveryAttempt.createMany(
        row.logged.map((outcome, index) => ({
          deliveryId: delivery.id,
          runId: run.id,
          outcome,
          smtpCode: REPLIES[outcome][0],
          response: REPLIES[outcome][1],
          durationMs: 5,
          attemptedAt: claimedAt.plus({ seconds: index }),
        }))
      )

      await recoverStaleDeliveries(
        { runId: run.id, fromId, toId },
        { runId: run.id, mailingId: run.mailingId, tenantId: run.tenantId },
        sendingConfig.staleAfter
      )

      await delivery.refresh()
      const { status, attempts, reason } = delivery
      assert.deepEqual({ status, attempts, reason }, row.then)
      const accepted = tries.find((attempt) => attempt.outcome === 'sent')
      await accepted?.refresh() // as stored (to the second)
      assert.equal(
        delivery.sentAt?.toMillis(),
        status === 'sent' ? accepted!.attemptedAt.toMillis() : undefined,
        'a sent delivery was sent when the server accepted it'
      )
      const counted = await MailingRun.findOrFail(run.id)
      assert.deepEqual(
        { sent: counted.sent, failed: counted.failed },
        { sent: status === 'sent' ? 1 : 0, failed: status === 'failed' ? 1 : 0 },
        "the run's counters"
      )
    })
  }
})
