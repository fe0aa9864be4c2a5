import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Delivery from '#models/delivery'
import MailingRun from '#models/mailing_run'
import Suppression from '#models/suppression'
import StartRun from '#sending/start_run'
import DispatchBatches from '#sending/dispatch_batches'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'
import { waitUntil } from '#tests/helpers/wait'
import type User from '#models/user'
import type Tenant from '#models/tenant'

/**
 * Starts a mailing to every client of the workspace now and waits for the
 * running worker to finish its run.
 */
async function sendToEveryone(user: User, tenant: Tenant) {
  const mailing = await createOpenMailing(user, await createMessage(tenant))
  const run = (await StartRun.handle(mailing, DateTime.now()))!
  await waitUntil(`run ${run.id} to complete`, () =>
    MailingRun.query().where({ id: run.id, status: 'completed' }).first()
  )
  return MailingRun.findOrFail(run.id)
}

async function deliveriesByEmail(runId: number) {
  const deliveries = await Delivery.query().where('run_id', runId)
  return new Map(deliveries.map((delivery) => [delivery.email, delivery]))
}

test.group('Suppressions: hard bounces at send time', () => {
  test('a 5.1.1 at RCPT TO suppresses the address, a 5.7.1 only fails it; the next mailing skips the first', async ({
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [dead, refused, fine] = await createClients(tenant, 3)
    smtp.refuseRecipient(dead.email, { code: 550, message: '5.1.1 user unknown' })
    smtp.refuseRecipient(refused.email, { code: 550, message: '5.7.1 policy' })

    const first = await sendToEveryone(user, tenant)
    assert.deepEqual([first.sent, first.failed, first.skipped], [1, 2, 0])
    const tried = await deliveriesByEmail(first.id)
    assert.equal(tried.get(dead.email)!.status, 'failed')
    assert.equal(tried.get(refused.email)!.status, 'failed')

    const entries = await Suppression.query().where('tenant_id', tenant.id)
    assert.lengthOf(entries, 1, 'only the unknown user is suppressed')
    assert.equal(entries[0].email, dead.email)
    assert.equal(entries[0].reason, 'hard_bounce')
    assert.equal(entries[0].source, 'smtp')
    assert.equal(entries[0].detail, '550 5.1.1 user unknown')
    assert.equal(Number(entries[0].deliveryId), Number(tried.get(dead.email)!.id))

    // The second mailing: the policy refusal is over, the dead address is
    // not tried again.
    const second = await sendToEveryone(user, tenant)
    assert.deepEqual([second.total, second.sent, second.skipped], [3, 2, 1])
    const next = await deliveriesByEmail(second.id)
    assert.equal(next.get(dead.email)!.status, 'skipped')
    assert.equal(next.get(dead.email)!.reason, 'Suppressed: hard bounce')
    assert.equal(next.get(refused.email)!.status, 'sent')
    assert.lengthOf(smtp.messagesTo(dead.email), 0)
    assert.lengthOf(smtp.messagesTo(refused.email), 1)
    assert.lengthOf(smtp.messagesTo(fine.email), 2)
  }).timeout(60_000)

  test('an address suppressed while a run waits is passed over by the claim, with the reason', async ({
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const [complainer, reader] = await createClients(tenant, 2)
    const mailing = await createOpenMailing(user, await createMessage(tenant))
    const run = (await StartRun.handle(mailing, DateTime.now(), { dispatch: false }))!
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: complainer.email,
      reason: 'complaint',
      source: 'test',
    })

    await DispatchBatches.handle(run)
    const done = await waitUntil(`run ${run.id} to complete`, () =>
      MailingRun.query().where({ id: run.id, status: 'completed' }).first()
    )
    assert.deepEqual([done.sent, done.skipped], [1, 1])
    const deliveries = await deliveriesByEmail(run.id)
    assert.equal(deliveries.get(complainer.email)!.status, 'skipped')
    assert.equal(deliveries.get(complainer.email)!.reason, 'Suppressed: complaint')
    assert.lengthOf(smtp.messagesTo(complainer.email), 0)
    assert.lengthOf(smtp.messagesTo(reader.email), 1)
  }).timeout(60_000)
})
