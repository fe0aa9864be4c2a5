import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { Queue } from 'bullmq'
import type { ApiClient } from '@japa/api-client'
import { redisConnection } from '#config/redis'
import MailingRun from '#models/mailing_run'
import Membership from '#models/membership'
import Delivery from '#models/delivery'
import type Client from '#models/client'
import StartRun from '#sending/start_run'
import SendBatchJob from '#jobs/send_batch_job'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'
import { waitUntil } from '#tests/helpers/wait'
import { postForm } from '#tests/helpers/forms'

const RECIPIENTS = 12

/**
 * A mailing sending to RECIPIENTS clients on the real worker, each message
 * held a moment by the SMTP server so that staff act in the middle of it.
 */
async function sendingMailing(options: { byColleague?: boolean } = {}) {
  const { user: owner, tenant } = await createUser()
  const clients = await createClients(tenant, RECIPIENTS)
  for (const client of clients) smtp.scriptFor(client.email, { kind: 'delay', ms: 150 })
  const message = await createMessage(tenant)
  let author = owner
  if (options.byColleague) {
    const { user: colleague } = await createUser()
    await Membership.create({ tenantId: tenant.id, userId: colleague.id, role: 'editor' })
    colleague.lastTenantId = tenant.id
    await colleague.save()
    author = colleague
  }
  const mailing = await createOpenMailing(author, message, { name: 'Stopped by staff' })
  const run = (await StartRun.handle(mailing, DateTime.now()))!
  await waitUntil('a few messages sent', async () => {
    const sent = await Delivery.query().where({ run_id: run.id, status: 'sent' })
    return sent.length >= 2
  })
  return { owner, clients, mailing, run }
}

/**
 * The run has stopped: no batch of it is left on the queue (a stopped
 * batch does not queue itself again) and no message is in flight.
 */
async function waitUntilStopped(runId: number) {
  const queue = new Queue('default', { connection: redisConnection })
  try {
    await waitUntil('the run to stop', async () => {
      const jobs = await queue.getJobs(['active', 'waiting', 'delayed', 'prioritized', 'paused'])
      const batches = jobs.filter(
        (job) => job?.name === SendBatchJob.$$filepath && job.data.runId === runId
      )
      const inFlight = await Delivery.query().where({ run_id: runId, status: 'sending' })
      return batches.length === 0 && inFlight.length === 0
    })
  } finally {
    await queue.close()
  }
}

async function assertStoppedMidway(assert: any, runId: number, clients: Client[]) {
  await waitUntilStopped(runId)
  const queued = await Delivery.query().where({ run_id: runId, status: 'queued' })
  assert.isAbove(queued.length, 0, 'the run stopped before its last message')
  for (const client of clients) assert.isAtMost(smtp.messagesTo(client.email).length, 1)
}

async function assertFinishesOnce(assert: any, runId: number, clients: Client[]) {
  const run = await waitUntil('the run to complete', () =>
    MailingRun.query().where({ id: runId, status: 'completed' }).first()
  )
  assert.equal(run.sent, RECIPIENTS)
  for (const client of clients) {
    assert.lengthOf(smtp.messagesTo(client.email), 1, `${client.email} gets exactly one message`)
  }
}

const staffPost = (client: ApiClient, url: string, actor: any, reason: string) =>
  postForm(client, url, { reason }).loginAs(actor)

test.group('Staff stop a sending mailing (real worker and SMTP server)', () => {
  test('disabling stops a running mailing between two messages; enabling finishes it', async ({
    client,
    assert,
  }) => {
    const { user: manager } = await createUser({ role: 'manager' })
    const { clients, mailing, run } = await sendingMailing()

    const disabled = await staffPost(
      client,
      `/admin/mailings/${mailing.id}/disable`,
      manager,
      'Reported as spam'
    )
    disabled.assertStatus(302)
    await assertStoppedMidway(assert, run.id, clients)

    await staffPost(client, `/admin/mailings/${mailing.id}/enable`, manager, '')
    await assertFinishesOnce(assert, run.id, clients)
    await mailing.refresh()
    assert.equal(mailing.status, 'completed')
  }).timeout(60_000)

  test('blocking the owner stops their running mailing; unblocking finishes it', async ({
    client,
    assert,
  }) => {
    const { user: admin } = await createUser({ role: 'admin' })
    const { owner, clients, run } = await sendingMailing()

    const blocked = await staffPost(client, `/admin/users/${owner.id}/block`, admin, 'Fraud')
    blocked.assertStatus(302)
    await assertStoppedMidway(assert, run.id, clients)

    await staffPost(client, `/admin/users/${owner.id}/unblock`, admin, '')
    await assertFinishesOnce(assert, run.id, clients)
  }).timeout(60_000)

  test("blocking an owner stops a colleague's mailing in their workspace too; unblocking finishes it", async ({
    client,
    assert,
  }) => {
    const { user: admin } = await createUser({ role: 'admin' })
    const { owner, clients, run } = await sendingMailing({ byColleague: true })

    const blocked = await staffPost(client, `/admin/users/${owner.id}/block`, admin, 'Fraud')
    blocked.assertStatus(302)
    await assertStoppedMidway(assert, run.id, clients)

    await staffPost(client, `/admin/users/${owner.id}/unblock`, admin, '')
    await assertFinishesOnce(assert, run.id, clients)
  }).timeout(60_000)
})
