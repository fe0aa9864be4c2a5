import { test } from '@japa/runner'
import { Queue } from 'bullmq'
import { redisConnection } from '#config/redis'
import sendingConfig from '#config/sending'
import MailingRun from '#models/mailing_run'
import Delivery from '#models/delivery'
import DeliveryAttempt from '#models/delivery_attempt'
import { smtp } from '#tests/helpers/peers'
import { TestSmtpServer } from '#tests/helpers/smtp_server'
import { freePort } from '#tests/helpers/net'
import { enqueueBatches, startedRun } from '#tests/helpers/sending'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'

function runWithStatus(runId: number, status: MailingRun['status']) {
  return waitUntil(
    `run ${runId} to be ${status}`,
    () => MailingRun.query().where({ id: runId, status }).first(),
    60_000
  )
}

/**
 * Every delivery is in exactly one state and the run's counters agree with
 * the rows.
 */
async function assertCountersMatch(assert: any, run: MailingRun) {
  const deliveries = await Delivery.query().where('run_id', run.id)
  const count = (status: string) => deliveries.filter((d) => d.status === status).length
  assert.equal(deliveries.length, run.total)
  assert.equal(count('sent'), run.sent)
  assert.equal(count('failed'), run.failed)
  assert.equal(count('skipped'), run.skipped)
  return deliveries
}

test.group('Sending to a misbehaving mail server', () => {
  test('refused connections are retried, then each delivery fails once for good', async ({
    assert,
  }) => {
    const { clients, mailing, run } = await startedRun(3)
    const queue = new Queue('bad-servers-refused', { connection: redisConnection })
    const worker = new WorkerProcess(['--queue=bad-servers-refused'])
    try {
      await worker.start({ SMTP_PORT: String(await freePort()) })
      await enqueueBatches(queue, run.id)

      const finished = await runWithStatus(run.id, 'completed')
      assert.equal(finished.failed, 3)
      assert.equal(finished.sent, 0)
      const deliveries = await assertCountersMatch(assert, finished)

      for (const delivery of deliveries) {
        await delivery.load('attemptLog', (q) => q.orderBy('id'))
        assert.equal(delivery.status, 'failed')
        assert.equal(delivery.attempts, 3)
        assert.include(delivery.reason ?? '', 'Gave up after 3 attempts')
        assert.deepEqual(
          delivery.attemptLog.map((a) => [a.outcome, a.smtpCode]),
          [
            ['transient', null],
            ['transient', null],
            ['transient', null],
          ]
        )
        for (const attempt of delivery.attemptLog) {
          assert.include(attempt.response ?? '', 'ECONNREFUSED')
        }
      }
      for (const client of clients) assert.lengthOf(smtp.messagesTo(client.email), 0)

      await mailing.refresh()
      assert.equal(mailing.status, 'completed')
    } finally {
      await worker.stop()
      await queue.close()
    }
  }).timeout(90_000)

  test('a server refusing our credentials pauses sending without failing anyone', async ({
    assert,
  }) => {
    const { clients, mailing, run } = await startedRun(3)
    const port = await freePort()
    const strictServer = new TestSmtpServer(port)
    const queue = new Queue('bad-servers-auth', { connection: redisConnection })
    const worker = new WorkerProcess(['--queue=bad-servers-auth'])
    try {
      await strictServer.start({
        authOptional: false,
        // No TLS in tests: offer AUTH on the plain connection anyway.
        allowInsecureAuth: true,
        onAuth: (_auth, _session, callback) => callback(new Error('Invalid credentials')),
      })
      await worker.start({ SMTP_PORT: String(port), SMTP_USERNAME: 'x', SMTP_PASSWORD: 'y' })
      await enqueueBatches(queue, run.id)

      const paused = await runWithStatus(run.id, 'paused')
      assert.include(paused.statusReason ?? '', 'Invalid credentials')
      assert.equal(paused.failed, 0)
      assert.equal(paused.sent, 0)
      await mailing.refresh()
      assert.equal(mailing.status, 'paused')
      assert.include(mailing.statusReason ?? '', 'Invalid credentials')

      const attempts = await DeliveryAttempt.query().where('run_id', run.id)
      assert.lengthOf(attempts, 1)
      assert.equal(attempts[0].outcome, 'paused')
      assert.equal(attempts[0].smtpCode, 535)

      // Not the recipients' fault: still waiting, no try counted against them.
      const deliveries = await assertCountersMatch(assert, paused)
      assert.isTrue(deliveries.every((d) => d.status === 'queued' && d.attempts === 0))

      assert.lengthOf(strictServer.received, 0)
      for (const client of clients) assert.lengthOf(smtp.messagesTo(client.email), 0)
    } finally {
      await worker.stop()
      await queue.close()
      await strictServer.stop()
    }
  }).timeout(90_000)

  test('a run pauses itself once it reaches the failure limit', async ({ assert }) => {
    const { clients, mailing, run } = await startedRun(5)
    for (const client of clients) {
      smtp.scriptFor(client.email, { kind: 'reject', code: 550, message: 'No such user here' })
    }
    const queue = new Queue('bad-servers-limit', { connection: redisConnection })
    const worker = new WorkerProcess(['--queue=bad-servers-limit'])
    try {
      await worker.start({ SEND_MAX_ERRORS: '2' })
      await enqueueBatches(queue, run.id)

      const paused = await runWithStatus(run.id, 'paused')
      assert.equal(paused.failed, 2)
      assert.equal(paused.sent, 0)
      assert.include(paused.statusReason ?? '', 'the limit is 2')
      await mailing.refresh()
      assert.equal(mailing.status, 'paused')
      assert.include(mailing.statusReason ?? '', 'the limit is 2')

      const deliveries = await assertCountersMatch(assert, paused)
      const failed = deliveries.filter((d) => d.status === 'failed')
      const waiting = deliveries.filter((d) => d.status === 'queued')
      assert.lengthOf(failed, 2)
      assert.lengthOf(waiting, 3)
      assert.isTrue(waiting.every((d) => d.attempts === 0))

      const attempts = await DeliveryAttempt.query().where('run_id', run.id)
      assert.deepEqual(
        attempts.map((a) => [a.deliveryId, a.outcome, a.smtpCode]).sort(),
        failed.map((d) => [d.id, 'permanent', 550]).sort()
      )
      for (const client of clients) assert.lengthOf(smtp.messagesTo(client.email), 0)
    } finally {
      await worker.stop()
      await queue.close()
    }
  }).timeout(90_000)

  test('a small run started after a large one does not wait for it to finish', async ({
    assert,
  }) => {
    // The test process computes the batch ranges, the worker sends them:
    // both use batches of 10.
    const defaultBatchSize = sendingConfig.batchSize
    sendingConfig.batchSize = 10
    const queue = new Queue('bad-servers-fairness', { connection: redisConnection })
    const worker = new WorkerProcess(['--queue=bad-servers-fairness', '--concurrency=1'])
    try {
      const large = await startedRun(200)
      const small = await startedRun(3)
      // Both runs are queued before the worker takes anything, so the order
      // it picks batches in is the queue's doing alone.
      assert.equal(await enqueueBatches(queue, large.run.id), 20)
      assert.equal(await enqueueBatches(queue, small.run.id), 1)
      await worker.start({ SEND_BATCH_SIZE: '10' })

      const smallRun = await runWithStatus(small.run.id, 'completed')
      const largeRun = await runWithStatus(large.run.id, 'completed')
      assert.equal(smallRun.sent, 3)
      assert.equal(largeRun.sent, 200)
      await assertCountersMatch(assert, smallRun)
      await assertCountersMatch(assert, largeRun)

      // The order the messages went out in (attempt ids grow with time):
      // the small run's were sent right after the large run's first batch,
      // while most of the large run was still queued.
      const attempts = await DeliveryAttempt.query()
        .whereIn('run_id', [large.run.id, small.run.id])
        .orderBy('id')
      assert.lengthOf(attempts, 203)
      assert.isTrue(attempts.every((a) => a.outcome === 'sent'))
      const lastSmall = attempts.findLastIndex((a) => a.runId === small.run.id)
      const largeBefore = attempts.slice(0, lastSmall).filter((a) => a.runId === large.run.id)
      assert.isAtMost(largeBefore.length, 10, 'the small run waited behind the large one')

      for (const client of [...large.clients, ...small.clients]) {
        assert.lengthOf(smtp.messagesTo(client.email), 1, `${client.email} got one message`)
      }
    } finally {
      sendingConfig.batchSize = defaultBatchSize
      await worker.stop()
      await queue.close()
    }
  }).timeout(120_000)
})
