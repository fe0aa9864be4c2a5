import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RecordBounce from '#actions/bounces/record_bounce'
import bouncesConfig from '#config/bounces'
import AuditLog from '#models/audit_log'
import { insertDeliveries } from './helpers.js'
import { startedRun } from '#tests/helpers/sending'
import { createUser } from '#tests/helpers/users'

async function runStatus(runId: number) {
  const run = await db.from('mailing_runs').where('id', runId).firstOrFail()
  return run.status as string
}

/**
 * A running mailing whose run has sent `count` messages.
 */
async function runThatSent(count: number) {
  const { tenant, mailing, run } = await startedRun(1, 'Reputation test')
  const emails = Array.from({ length: count }, (_, i) => `reader-${i}-${run.id}@example.com`)
  const ids = await insertDeliveries(run, emails)
  await db.from('mailing_runs').where('id', run.id).update({ sent: count })
  return { tenant, mailing, run, ids }
}

test.group('Workspace reputation', (group) => {
  const original = { ...bouncesConfig.reputation }
  group.each.setup(() => {
    bouncesConfig.reputation.window = 20
    return () => {
      Object.assign(bouncesConfig.reputation, original)
    }
  })

  test('a complaint rate over the threshold pauses the running mailing and tells the staff', async ({
    assert,
    client,
  }) => {
    const { tenant, mailing, run, ids } = await runThatSent(20)
    await RecordBounce.handle({ deliveryId: ids[0], kind: 'complaint', source: 'arf' })

    const pausedRun = await db.from('mailing_runs').where('id', run.id).first()
    assert.equal(pausedRun.status, 'paused')
    assert.include(pausedRun.status_reason, 'complaint rate 5.0 % passed 0.30 %')
    const pausedMailing = await db.from('mailings').where('id', mailing.id).first()
    assert.equal(pausedMailing.status, 'paused')

    const entries = await AuditLog.query().where({
      action: 'workspace.sending_paused',
      subject_id: tenant.id,
    })
    assert.lengthOf(entries, 1)

    // A second complaint finds nothing running: no second entry.
    await RecordBounce.handle({ deliveryId: ids[1], kind: 'complaint', source: 'arf' })
    assert.lengthOf(
      await AuditLog.query().where({ action: 'workspace.sending_paused', subject_id: tenant.id }),
      1
    )

    const { user: admin } = await createUser({ role: 'admin' })
    const page = await client.get('/admin').loginAs(admin)
    page.assertStatus(200)
    assert.include(page.text(), 'data-testid="reputation-pauses"')
    assert.include(page.text(), 'complaint rate 5.0 %')
  })

  test('rates under the thresholds, or too few messages, pause nothing', async ({ assert }) => {
    const few = await runThatSent(5)
    await RecordBounce.handle({ deliveryId: few.ids[0], kind: 'hard', source: 'dsn' })
    assert.equal(await runStatus(few.run.id), 'running')

    bouncesConfig.reputation.complaintRateToPause = 0.1
    const enough = await runThatSent(20)
    await RecordBounce.handle({ deliveryId: enough.ids[0], kind: 'complaint', source: 'arf' })
    assert.equal(await runStatus(enough.run.id), 'running')
  })
})
