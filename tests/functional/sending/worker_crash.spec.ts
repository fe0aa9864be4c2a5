import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import limiter from '@adonisjs/limiter/services/main'
import { DateTime } from 'luxon'
import { Queue } from 'bullmq'
import { redisConnection } from '#config/redis'
import MailingRun from '#models/mailing_run'
import Delivery from '#models/delivery'
import DeliveryAttempt from '#models/delivery_attempt'
import { batchRanges } from '#sending/batch_ranges'
import SendBatchJob from '#jobs/send_batch_job'
import SendBatch from '#sending/send_batch'
import { smtp } from '#tests/helpers/peers'
import { startedRun } from '#tests/helpers/sending'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'
import { sqlTime } from '#services/database/sql_time'

/**
 * The production defaults' order, scaled down (30 s and 2 min there): BullMQ
 * hands a dead worker's batch over well before the claims it held go stale.
 */
const TAKEOVER_BEFORE_STALE = { QUEUE_STALLED_INTERVAL: '1s', SEND_STALE_AFTER: '4s' }

test.group('A worker stopped mid-run', () => {
  test('killed (SIGKILL), it loses nothing and sends nothing twice', async ({ assert }) => {
    const { clients, run } = await startedRun(12)
    // The first messages take the server a moment; the fifth is held long
    // enough (the doomed worker waits for it) that the survivor has started
    // and the kill lands while the server still holds it.
    for (const [index, client] of clients.entries()) {
      smtp.scriptFor(client.email, { kind: 'delay', ms: index === 4 ? 30_000 : 100 })
    }

    const [[fromId, toId]] = await batchRanges(run.id)

    // The batch goes to a queue only these two workers listen on.
    const queue = new Queue('crash-test', { connection: redisConnection })
    const doomed = new WorkerProcess(['--queue=crash-test'])
    const survivor = new WorkerProcess(['--queue=crash-test'])
    try {
      await doomed.start({ ...TAKEOVER_BEFORE_STALE, SMTP_SOCKET_TIMEOUT: '60s' })
      await queue.add(SendBatchJob.$$filepath, { runId: run.id, fromId, toId })

      // Sent and logged, but not settled yet: the survivor must settle these
      // from the attempt log, not send them again.
      await waitUntil('a few messages sent and one held by the server', async () => {
        const sent = await DeliveryAttempt.query().where({ run_id: run.id, outcome: 'sent' })
        return sent.length >= 4 && smtp.holding > 0
      })
      // The survivor is already waiting: it takes the batch over as soon as
      // BullMQ sees it stalled, while the dead worker's claims are fresh.
      await survivor.start(TAKEOVER_BEFORE_STALE)
      assert.isAbove(smtp.holding, 0, 'the doomed worker is still waiting for the server')
      await doomed.stop('SIGKILL')

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

  test('frozen (SIGSTOP) past SEND_STALE_AFTER, it wakes up and sends nothing of what was taken over', async ({
    assert,
  }) => {
    const { clients, run } = await startedRun(30)
    for (const client of clients) smtp.scriptFor(client.email, { kind: 'delay', ms: 150 })
    const [[fromId, toId]] = await batchRanges(run.id)

    const queue = new Queue('freeze-test', { connection: redisConnection })
    const frozen = new WorkerProcess(['--queue=freeze-test'])
    const survivor = new WorkerProcess(['--queue=freeze-test'])
    const triesSent = async () => {
      const tries = await DeliveryAttempt.query().where({ run_id: run.id, outcome: 'sent' })
      return tries.length
    }
    try {
      await frozen.start({ ...TAKEOVER_BEFORE_STALE, SMTP_SOCKET_TIMEOUT: '60s' })
      await queue.add(SendBatchJob.$$filepath, { runId: run.id, fromId, toId })
      await waitUntil('a few messages sent', async () => (await triesSent()) >= 5)

      // Frozen with its whole slice claimed (a stalled VM, a long pause).
      process.kill(frozen.pid!, 'SIGSTOP')
      const sentWhenFrozen = await triesSent()
      await survivor.start(TAKEOVER_BEFORE_STALE)
      // The survivor takes the batch over and, once the claims are stale,
      // sends what the frozen worker had claimed.
      await waitUntil(
        'the survivor to send part of the frozen slice',
        async () => (await triesSent()) >= sentWhenFrozen + 5,
        60_000
      )
      process.kill(frozen.pid!, 'SIGCONT')

      const finished = await waitUntil(
        'the run to complete',
        () => MailingRun.query().where({ id: run.id, status: 'completed' }).first(),
        60_000
      )
      assert.equal(finished.sent, 30)
      for (const client of clients) assert.isAtLeast(smtp.messagesTo(client.email).length, 1)
      // The message the server held when it froze may go twice (SMTP cannot
      // tell); nothing else may.
      const received = clients.flatMap((client) => smtp.messagesTo(client.email)).length
      assert.isAtMost(received, 31)
    } finally {
      await frozen.stop('SIGKILL')
      await survivor.stop()
      await queue.close()
    }
  }).timeout(120_000)

  test('frozen while it waits for its send rate, it wakes up and sends nothing that was taken over', async ({
    assert,
  }) => {
    const { clients, run } = await startedRun(3)
    const [[fromId, toId]] = await batchRanges(run.id)
    const range = { runId: run.id, fromId, toId }

    const queue = new Queue('rate-freeze-test', { connection: redisConnection })
    const frozen = new WorkerProcess(['--queue=rate-freeze-test'])
    // One message a second for the workspace: after the first message the
    // worker waits most of a second for the next slot.
    const workspaceRate = limiter.use({ requests: 1, duration: '1 sec' })
    try {
      await frozen.start({ SEND_RATE_PER_WORKSPACE: '1' })
      await queue.add(SendBatchJob.$$filepath, range)
      await waitUntil('the worker to wait for its next slot', async () => {
        const slots = await workspaceRate.get(`send:tenant:${run.tenantId}`)
        return slots !== null && slots.consumed > 1
      })
      // Frozen in that wait, its whole slice claimed and nothing in hand.
      process.kill(frozen.pid!, 'SIGSTOP')
      assert.lengthOf(smtp.messagesTo(clients[0].email), 1)
      assert.lengthOf(smtp.messagesTo(clients[1].email), 0, 'frozen before its second message')

      // Another batch over the range (SendBatch, as `mailings:send --sync`
      // runs it) takes the claims over once they are stale and sends them.
      let comeBackAt: number | null = Date.now()
      while (comeBackAt !== null) {
        await sleep(Math.max(0, comeBackAt - Date.now()))
        comeBackAt = await SendBatch.handle(range, { requeue: false })
      }
      const finished = await MailingRun.findOrFail(run.id)
      assert.equal(finished.status, 'completed')

      // It wakes up where it was, in the wait, and stops there.
      process.kill(frozen.pid!, 'SIGCONT')
      const { code } = await frozen.stop('SIGTERM')
      assert.equal(code, 0, frozen.output)
      for (const client of clients) {
        assert.lengthOf(
          smtp.messagesTo(client.email),
          1,
          `${client.email} must get exactly one message`
        )
      }
    } finally {
      await frozen.stop('SIGKILL')
      await queue.close()
    }
  }).timeout(90_000)

  test('stopped with SIGTERM, it finishes the message in hand and hands the rest back', async ({
    assert,
  }) => {
    const { clients, run } = await startedRun(10)
    // Every message takes the server a while, so the batch is far from done
    // when the stop arrives.
    for (const client of clients) smtp.scriptFor(client.email, { kind: 'delay', ms: 400 })
    const [[fromId, toId]] = await batchRanges(run.id)

    const queue = new Queue('stop-test', { connection: redisConnection })
    const stopping = new WorkerProcess(['--queue=stop-test'])
    const successor = new WorkerProcess(['--queue=stop-test'])
    try {
      await stopping.start()
      await queue.add(SendBatchJob.$$filepath, { runId: run.id, fromId, toId })
      // The attempt log shows each message as soon as the server took it.
      await waitUntil('two messages sent', async () => {
        const sent = await DeliveryAttempt.query().where({ run_id: run.id, outcome: 'sent' })
        return sent.length >= 2
      })

      const { code } = await stopping.stop('SIGTERM')
      assert.equal(code, 0)
      const afterStop = await Delivery.query().where('run_id', run.id)
      const sentAtStop = afterStop.filter((delivery) => delivery.status === 'sent').length
      assert.isBelow(sentAtStop, 10, 'the worker must not wait for the whole batch')
      assert.isTrue(
        afterStop.every((delivery) => ['sent', 'queued'].includes(delivery.status)),
        'nothing is left half-sent'
      )

      await successor.start()
      const finished = await waitUntil(
        'the run to complete on the next worker',
        () => MailingRun.query().where({ id: run.id, status: 'completed' }).first(),
        60_000
      )
      assert.equal(finished.sent, 10)
      for (const client of clients) assert.lengthOf(smtp.messagesTo(client.email), 1)
    } finally {
      await stopping.stop('SIGKILL')
      await successor.stop()
      await queue.close()
    }
  }).timeout(90_000)
})

test.group('A batch after a worker died', () => {
  test('settles what the attempt log shows and sends only the rest', async ({ assert }) => {
    const { clients, run } = await startedRun(3)
    const [[fromId, toId]] = await batchRanges(run.id)
    const [accepted, refused, untried] = await Delivery.query()
      .where('run_id', run.id)
      .orderBy('id')
    // As a worker killed after logging two tries, before settling them.
    const longAgo = DateTime.now().minus({ minutes: 10 })
    await Delivery.query()
      .where('run_id', run.id)
      .update({ status: 'sending', updatedAt: sqlTime(longAgo) })
    const attempt = { runId: run.id, durationMs: 5, attemptedAt: longAgo }
    const [acceptedTry] = await DeliveryAttempt.createMany([
      { ...attempt, deliveryId: accepted.id, outcome: 'sent', smtpCode: 250, response: '250 OK' },
      {
        ...attempt,
        deliveryId: refused.id,
        outcome: 'permanent',
        smtpCode: 550,
        response: '550 No such user',
      },
    ])

    await SendBatch.handle({ runId: run.id, fromId, toId })

    await accepted.refresh()
    await refused.refresh()
    await untried.refresh()
    assert.equal(accepted.status, 'sent')
    assert.equal(accepted.attempts, 1)
    await acceptedTry.refresh()
    assert.equal(accepted.sentAt?.toMillis(), acceptedTry.attemptedAt.toMillis())
    assert.equal(refused.status, 'failed')
    assert.equal(refused.reason, '550 No such user')
    assert.equal(untried.status, 'sent')
    assert.lengthOf(smtp.messagesTo(clients[0].email), 0, 'the accepted message is not sent again')
    assert.lengthOf(smtp.messagesTo(clients[1].email), 0, 'the refused one is not tried again')
    assert.lengthOf(smtp.messagesTo(clients[2].email), 1)

    const completed = await MailingRun.findOrFail(run.id)
    assert.equal(completed.status, 'completed')
    assert.include(completed.$attributes, { sent: 2, failed: 1 })
  })
})
