import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import RecordBounce, { type BounceReport } from '#actions/bounces/record_bounce'
import bouncesConfig from '#config/bounces'
import { startedRun } from '#tests/helpers/sending'
import { insertDeliveries, runCounters, suppressionOf } from './helpers.js'

let sequence = 0

/**
 * A run of a new workspace and `count` more deliveries to one address in
 * it, in this status, oldest first (as successive occurrences would make).
 */
async function deliveriesTo(count: number, status = 'sent') {
  const { tenant, run } = await startedRun(1)
  const email = `soft-${++sequence}@example.com`
  const ids = await insertDeliveries(run, Array(count).fill(email), status)
  return { tenant, run, email, ids }
}

function soft(deliveryId: number): BounceReport {
  return { deliveryId, kind: 'soft', status: '4.2.2', diagnostic: 'Mailbox full', source: 'dsn' }
}

test.group('RecordBounce', () => {
  test('soft bounces suppress once SOFT_BOUNCES_TO_SUPPRESS of them come in a row', async ({
    assert,
  }) => {
    assert.equal(bouncesConfig.softBouncesToSuppress, 3)
    const { tenant, run, email, ids } = await deliveriesTo(3)

    assert.equal(await RecordBounce.handle(soft(ids[0])), 'recorded')
    // The same report twice counts once.
    assert.equal(await RecordBounce.handle(soft(ids[0])), 'duplicate')
    assert.equal(await RecordBounce.handle(soft(ids[1])), 'recorded')
    assert.isNull(await suppressionOf(tenant.id, email))

    assert.equal(await RecordBounce.handle(soft(ids[2])), 'recorded')
    const suppression = await suppressionOf(tenant.id, email)
    assert.equal(suppression?.reason, 'hard_bounce')
    assert.include(suppression?.detail, '3 soft bounces in a row')
    assert.include(await runCounters(run.id), { bounced: 3 })
  })

  test('a delivery in between that nobody bounced breaks the streak', async ({ assert }) => {
    const { tenant, email, ids } = await deliveriesTo(6)
    await RecordBounce.handle(soft(ids[0]))
    await RecordBounce.handle(soft(ids[1]))
    // ids[2] stays sent: delivered.
    await RecordBounce.handle(soft(ids[3]))
    await RecordBounce.handle(soft(ids[4]))
    assert.isNull(await suppressionOf(tenant.id, email))
    const streak = await db
      .from('soft_bounce_streaks')
      .where({ tenant_id: tenant.id, email })
      .first()
    assert.equal(Number(streak.count), 2)

    await RecordBounce.handle(soft(ids[5]))
    assert.include(await suppressionOf(tenant.id, email), { reason: 'hard_bounce' })
  })

  test('a report that comes before its send is settled waits for it (or asks for a retry)', async ({
    assert,
  }) => {
    const { ids } = await deliveriesTo(1, 'sending')
    assert.equal(await RecordBounce.handle(soft(ids[0]), { wait: 0 }), 'not_sent_yet')
    setTimeout(async () => {
      await db.from('deliveries').where('id', ids[0]).update({ status: 'sent' })
    }, 300)
    assert.equal(await RecordBounce.handle(soft(ids[0]), { wait: 5000 }), 'recorded')
  })

  test('reports of deliveries never sent, unknown, or of another address change nothing', async ({
    assert,
  }) => {
    const failed = await deliveriesTo(1, 'failed')
    assert.equal(await RecordBounce.handle({ ...soft(failed.ids[0]), kind: 'hard' }), 'ignored')
    assert.equal(await RecordBounce.handle({ ...soft(2 ** 40), kind: 'hard' }), 'unknown')

    const sent = await deliveriesTo(1)
    const other = { ...soft(sent.ids[0]), kind: 'hard' as const, recipient: 'x@else.test' }
    assert.equal(await RecordBounce.handle(other), 'unknown')
    assert.equal(
      await RecordBounce.handle({ ...other, recipient: sent.email.toUpperCase() }),
      'recorded'
    )
    assert.isNull(await suppressionOf(failed.tenant.id, failed.email))
  })

  test('a report named by our Message-ID counts only with the delivery’s address', async ({
    assert,
  }) => {
    const { ids, email } = await deliveriesTo(1)
    const byMessageId = { ...soft(ids[0]), namedBy: 'message_id' as const }
    assert.equal(await RecordBounce.handle(byMessageId), 'unknown')
    assert.equal(await RecordBounce.handle({ ...byMessageId, recipient: email }), 'recorded')
  })

  test('a stronger report after a bounce is recorded and announced; a weaker one is a duplicate', async ({
    assert,
    cleanup,
  }) => {
    const events = emitter.fake(['delivery:bounced'])
    cleanup(() => emitter.restore())

    // A hard report after a soft one of the same message suppresses.
    const bounced = await deliveriesTo(1)
    assert.equal(await RecordBounce.handle(soft(bounced.ids[0])), 'recorded')
    const hard = { ...soft(bounced.ids[0]), kind: 'hard' as const, status: '5.1.1' }
    assert.equal(await RecordBounce.handle(hard), 'recorded')
    assert.include(await suppressionOf(bounced.tenant.id, bounced.email), { reason: 'hard_bounce' })
    assert.include(await runCounters(bounced.run.id), { bounced: 1 })
    const row = await db.from('deliveries').where('id', bounced.ids[0]).first()
    assert.equal(row.status, 'bounced')
    assert.include(row.reason, 'Hard bounce: 5.1.1')
    assert.equal(await RecordBounce.handle(hard), 'duplicate')
    assert.equal(await RecordBounce.handle(soft(bounced.ids[0])), 'duplicate')

    // A complaint about the bounced message: complained, counted there.
    const complaint = { deliveryId: bounced.ids[0], kind: 'complaint' as const, source: 'arf' }
    assert.equal(await RecordBounce.handle(complaint), 'recorded')
    assert.include(await runCounters(bounced.run.id), { bounced: 0, complained: 1 })
    const complained = await db.from('deliveries').where('id', bounced.ids[0]).first()
    assert.equal(complained.status, 'complained')
    assert.include(await suppressionOf(bounced.tenant.id, bounced.email), { reason: 'complaint' })
    assert.equal(await RecordBounce.handle(complaint), 'duplicate')
    assert.equal(await RecordBounce.handle(hard), 'duplicate')

    events.assertEmittedCount('delivery:bounced', 3)
    events.assertEmitted('delivery:bounced', ({ data }) => data.kind === 'hard' && data.suppressed)
    events.assertEmitted('delivery:bounced', ({ data }) => data.kind === 'complaint')
  })
})
