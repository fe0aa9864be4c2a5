import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { Queue } from 'bullmq'
import { redisConnection } from '#config/redis'
import Mailing from '#models/mailing'
import MailingRun from '#models/mailing_run'
import Delivery from '#models/delivery'
import StartRun from '#actions/sending/start_run'
import SendBatchJob from '#jobs/send_batch_job'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage } from '#tests/helpers/workspace'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'

test.group('A worker killed mid-run', () => {
  test('loses nothing and sends nothing twice', async ({ assert }) => {
    const { user, tenant } = await createUser()
    const clients = await createClients(tenant, 12)
    const message = await createMessage(tenant)
    const mailing = await Mailing.create({
      tenantId: tenant.id,
      messageId: message.id,
      name: 'Crash test',
      audience: 'all',
      periodicity: 'once',
      startAt: DateTime.now().minus({ minutes: 1 }),
      endAt: DateTime.now().plus({ hours: 1 }),
      status: 'created',
      createdById: user.id,
    })
    // Every message takes the server a moment, so the kill lands mid-send.
    for (const client of clients) smtp.scriptFor(client.email, { kind: 'delay', ms: 250 })

    const run = (await StartRun.handle(mailing, DateTime.now(), { dispatch: false }))!
    const [[fromId, toId]] = await StartRun.batchRanges(run.id)

    // The batch goes to a queue only these two workers listen on.
    const queue = new Queue('crash-test', { connection: redisConnection })
    const doomed = new WorkerProcess(['--queue=crash-test'])
    const survivor = new WorkerProcess(['--queue=crash-test'])
    try {
      await doomed.start()
      await queue.add(SendBatchJob.$$filepath, { runId: run.id, fromId, toId })

      await waitUntil('a few messages sent and one held by the server', async () => {
        const sent = await Delivery.query().where({ run_id: run.id, status: 'sent' })
        return sent.length >= 4 && smtp.holding > 0
      })
      await doomed.stop('SIGKILL')

      await survivor.start()
      const finished = await waitUntil(
        'the run to complete on the surviving worker',
        () => MailingRun.query().where({ id: run.id, status: 'completed' }).first(),
        60_000
      )

      assert.equal(finished.sent, 12)
      for (const client of clients) {
        assert.lengthOf(
          smtp.messagesTo(client.email),
          1,
          `${client.email} must get exactly one message`
        )
      }
      const deliveries = await Delivery.query().where('run_id', run.id)
      assert.isTrue(deliveries.every((d) => d.status === 'sent'))
    } finally {
      await doomed.stop('SIGKILL')
      await survivor.stop()
      await queue.close()
    }
  }).timeout(90_000)
})
