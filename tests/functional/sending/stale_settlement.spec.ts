import { test } from '@japa/runner'
import emitter from '@adonisjs/core/services/emitter'
import { DateTime } from 'luxon'
import MailingRun from '#models/mailing_run'
import Delivery from '#models/delivery'
import DeliveryAttempt, { type AttemptOutcome } from '#models/delivery_attempt'
import sendingConfig from '#config/sending'
import { batchRanges } from '#sending/batch_ranges'
import {
  PendingSettlements,
  recoverStaleDeliveries,
  settlementOf,
} from '#sending/delivery_settlements'
import { claimDeliveries } from '#sending/delivery_claims'
import { acceptedOutcome, type SmtpOutcome } from '#sending/smtp_outcomes'
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

test.group('A batch settling late, after another batch settled its slice', () => {
  test('changes nothing and counts nothing twice (a worker frozen past SEND_STALE_AFTER)', async ({
    assert,
  }) => {
    const { run } = await startedRun(2, 'Late settlement test')
    const [[fromId, toId]] = await batchRanges(run.id)
    const range = { runId: run.id, fromId, toId }
    const [accepted, deferred] = await claimDeliveries(range, 50)
    const late = new PendingSettlements({
      runId: run.id,
      mailingId: run.mailingId,
      tenantId: run.tenantId,
    })
    const deferral = { kind: 'transient', code: 451, response: '451 Try again later' } as const
    late.add(settlementOf(accepted, acceptedOutcome('250 OK')))
    late.add(settlementOf(deferred, deferral))
    const longAgo = DateTime.now().minus({ minutes: 10 })
    const attempt = { runId: run.id, durationMs: 5, attemptedAt: longAgo }
    await DeliveryAttempt.createMany([
      { ...attempt, deliveryId: accepted.id, outcome: 'sent', smtpCode: 250, response: '250 OK' },
      { ...attempt, deliveryId: deferred.id, outcome: 'transient', smtpCode: 451, response: '451' },
    ])
    // Its worker froze before settling: the claims went stale, the next
    // batch settled them from the log (counting the accepted one)…
    await Delivery.query()
      .whereIn('id', [accepted.id, deferred.id])
      .update({ updatedAt: sqlTime(longAgo) })
    await recoverStaleDeliveries(
      range,
      { runId: run.id, mailingId: run.mailingId, tenantId: run.tenantId },
      sendingConfig.staleAfter
    )
    // …and has sent the deferred one since.
    await Delivery.query().where('id', deferred.id).update({ status: 'sent' })

    const events = emitter.fake(['deliveries:finished'])
    try {
      await late.settle()
      // Announced by the batch that settled them from the log, not again.
      events.assertNotEmitted('deliveries:finished')
    } finally {
      emitter.restore()
    }

    const counted = await MailingRun.findOrFail(run.id)
    assert.equal(counted.sent, 1, 'the accepted message is counted once')
    const after = await Delivery.query().where('run_id', run.id).orderBy('id')
    assert.deepEqual(
      after.map((delivery) => delivery.status),
      ['sent', 'sent'],
      'the deferred one is not queued again'
    )
  })

  // A try's outcome, settled late, must leave alone a delivery another batch
  // has claimed again since, whether or not the try counted against the
  // recipient: the log rewrites the tries of a deferral, not of a refusal
  // the server's configuration caused.
  const lateOutcomes: { name: string; outcome: SmtpOutcome; logged: AttemptOutcome }[] = [
    {
      name: 'a deferral',
      outcome: { kind: 'transient', code: 451, response: '451 Try again later' },
      logged: 'transient',
    },
    {
      name: 'a refusal caused by the server configuration',
      outcome: { kind: 'configuration', code: 535, response: '535 Authentication failed' },
      logged: 'paused',
    },
  ]
  for (const { name, outcome, logged } of lateOutcomes) {
    test(`${name} leaves alone a delivery another batch has claimed again since`, async ({
      assert,
    }) => {
      const { run } = await startedRun(1, 'Late settlement over a new claim')
      const [[fromId, toId]] = await batchRanges(run.id)
      const range = { runId: run.id, fromId, toId }
      const context = { runId: run.id, mailingId: run.mailingId, tenantId: run.tenantId }
      const [tried] = await claimDeliveries(range, 50)
      const late = new PendingSettlements(context)
      late.add(settlementOf(tried, outcome))
      const longAgo = DateTime.now().minus({ minutes: 10 })
      await DeliveryAttempt.create({
        runId: run.id,
        deliveryId: tried.id,
        outcome: logged,
        smtpCode: outcome.code,
        response: outcome.response,
        durationMs: 5,
        attemptedAt: longAgo,
      })
      // Its worker froze before settling; the next batch settled the slice
      // from the log, and once the retry was due a third batch claimed it.
      await Delivery.query()
        .where('id', tried.id)
        .update({ updatedAt: sqlTime(longAgo) })
      await recoverStaleDeliveries(range, context, sendingConfig.staleAfter)
      await Delivery.query().where('id', tried.id).update({ nextAttemptAt: null })
      const [reclaimed] = await claimDeliveries(range, 50)
      assert.equal(reclaimed?.id, tried.id)

      await late.settle()

      const after = await Delivery.findOrFail(tried.id)
      assert.deepEqual(
        { status: after.status, attempts: after.attempts },
        { status: 'sending', attempts: reclaimed.attempts },
        "the new claim is the third batch's to settle"
      )
    })
  }
})
