import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import RecordBounce from '#actions/bounces/record_bounce'
import bouncesConfig from '#config/bounces'
import AuditLog from '#models/audit_log'
import { suppressHardBounces } from '#sending/hard_bounces'
import type { Settlement } from '#sending/delivery_settlements'
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

  test('hard bounces at send time count in the bounce rate, checked once per slice', async ({
    assert,
  }) => {
    const { tenant, run, ids } = await runThatSent(20)
    const emails = await db.from('deliveries').whereIn('id', ids.slice(0, 2)).select('id', 'email')
    // Two addresses refused with 5.1.1 at RCPT TO, as a slice settles them.
    const settlements = emails.map(
      ({ id, email }) =>
        ({
          delivery: { id: Number(id), runId: run.id, tenantId: tenant.id, email },
          outcome: {
            kind: 'permanent',
            code: 550,
            response: '550 5.1.1 unknown',
            hardBounce: true,
          },
          status: 'failed',
        }) as unknown as Settlement
    )
    await suppressHardBounces(settlements)

    assert.equal(await runStatus(run.id), 'paused')
    const [entry] = await AuditLog.query().where({
      action: 'workspace.sending_paused',
      subject_id: tenant.id,
    })
    assert.include(entry.reason!, 'bounce rate 9.1 % passed 5.0 %')
    assert.include(entry.reason!, 'over the last 22 messages')
  })

  test('a resumed workspace is judged on the mail it sends after the pause', async ({ assert }) => {
    const { tenant, mailing, run, ids } = await runThatSent(20)
    await RecordBounce.handle({ deliveryId: ids[0], kind: 'complaint', source: 'arf' })
    assert.equal(await runStatus(run.id), 'paused')

    // The owner resumes; a late complaint about the same mail pauses nothing.
    const resume = async () => {
      await db.from('mailing_runs').where('id', run.id).update({ status: 'running' })
      await db.from('mailings').where('id', mailing.id).update({ status: 'running' })
    }
    await resume()
    await RecordBounce.handle({ deliveryId: ids[1], kind: 'complaint', source: 'arf' })
    assert.equal(await runStatus(run.id), 'running')
    const entries = () =>
      AuditLog.query().where({ action: 'workspace.sending_paused', subject_id: tenant.id })
    assert.lengthOf(await entries(), 1)

    // Twenty more messages and a complaint about one of them: judged on those.
    await db.from('mailing_runs').where('id', run.id).increment('sent', 20)
    await RecordBounce.handle({ deliveryId: ids[2], kind: 'complaint', source: 'arf' })
    assert.equal(await runStatus(run.id), 'paused')
    const all = await entries().orderBy('id', 'asc')
    assert.lengthOf(all, 2)
    assert.include(all[1].reason!, 'over the last 20 messages')
  })
})
