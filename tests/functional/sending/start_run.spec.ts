import { DateTime } from 'luxon'
import { test } from '@japa/runner'
import Delivery from '#models/delivery'
import MailingRun from '#models/mailing_run'
import sendingConfig from '#config/sending'
import { batchRanges } from '#sending/batch_ranges'
import StartRun from '#sending/start_run'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { startedRun } from '#tests/helpers/sending'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'

test.group('Starting a run: its counters and batches', () => {
  test('cuts the queued deliveries, and only them, into batches of batchSize in id order', async ({
    assert,
  }) => {
    const size = sendingConfig.batchSize
    const { run } = await startedRun(2 * size + 7)
    const all = await Delivery.query().where('run_id', run.id).orderBy('id')
    // Two in the first batch's stretch are not queued any more: they are left out.
    await Delivery.query().whereIn('id', [all[3].id, all[4].id]).update({ status: 'skipped' })
    const queued = all.filter((_, index) => index !== 3 && index !== 4).map((d) => Number(d.id))

    assert.deepEqual(await batchRanges(run.id), [
      [queued[0], queued[size - 1]],
      [queued[size], queued[2 * size - 1]],
      [queued[2 * size], queued.at(-1)!],
    ])
  })

  test('a run with nothing queued has no batch', async ({ assert }) => {
    const { run } = await startedRun(3)
    await Delivery.query().where('run_id', run.id).update({ status: 'sent' })
    assert.deepEqual(await batchRanges(run.id), [])
  })

  test('the run starts counting its recipients and those already unsubscribed', async ({
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [, left] = await createClients(tenant, 4)
    await left.merge({ unsubscribedAt: DateTime.now() }).save()
    const mailing = await createOpenMailing(user, await createMessage(tenant))

    const run = await StartRun.handle(mailing, DateTime.now(), { dispatch: false })

    const counted = await MailingRun.findOrFail(run!.id)
    assert.deepEqual([counted.total, counted.skipped], [4, 1])
    const skipped = await Delivery.query().where('run_id', run!.id).where('status', 'skipped')
    assert.deepEqual(
      skipped.map((delivery) => delivery.email),
      [left.email]
    )
  })

  test('suppressed addresses are copied as skipped, with the reason; an unsubscribe says so first', async ({
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [bounced, left, both, fine] = await createClients(tenant, 4)
    await left.merge({ unsubscribedAt: DateTime.now() }).save()
    await both.merge({ unsubscribedAt: DateTime.now() }).save()
    for (const [client, reason] of [
      [bounced, 'hard_bounce'],
      [both, 'complaint'],
    ] as const) {
      await SuppressAddress.handle({
        tenantId: tenant.id,
        email: client.email,
        reason,
        source: 'test',
      })
    }
    // Another workspace's list does not count here.
    const other = await createUser()
    await SuppressAddress.handle({
      tenantId: other.tenant.id,
      email: fine.email,
      reason: 'complaint',
      source: 'test',
    })
    const mailing = await createOpenMailing(user, await createMessage(tenant))

    const run = await StartRun.handle(mailing, DateTime.now(), { dispatch: false })

    const counted = await MailingRun.findOrFail(run!.id)
    assert.deepEqual([counted.total, counted.skipped], [4, 3])
    const deliveries = await Delivery.query().where('run_id', run!.id).orderBy('id')
    assert.deepEqual(
      deliveries.map((delivery) => [delivery.email, delivery.status, delivery.reason]),
      [
        [bounced.email, 'skipped', 'Suppressed: hard bounce'],
        [left.email, 'skipped', 'Unsubscribed'],
        [both.email, 'skipped', 'Unsubscribed'],
        [fine.email, 'queued', null],
      ]
    )
  })
})
