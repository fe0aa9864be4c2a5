import { setTimeout as sleep } from 'node:timers/promises'
import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import { Queue } from 'bullmq'
import MailingRun from '#models/mailing_run'
import DeliveryAttempt from '#models/delivery_attempt'
import { smtp } from '#tests/helpers/peers'
import { PrivateRedis } from '#tests/helpers/private_redis'
import { enqueueBatches, startedRun } from '#tests/helpers/sending'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'

/**
 * A worker on the test's private Redis that looks for lost work every
 * second, with small batches (many of them wait in Redis at any time) and
 * the production defaults' order of takeover and staleness, scaled down.
 * It waits for the server as long as it takes: on a loaded machine an
 * answer can come after the tests' usual 2 s, and a message the server
 * accepted after the sender gave up is sent again (SMTP cannot tell).
 */
function workerEnv(redis: PrivateRedis) {
  return {
    ...redis.workerEnv,
    SEND_RECONCILE_INTERVAL: '1s',
    SEND_BATCH_SIZE: '20',
    QUEUE_CONCURRENCY: '2',
    QUEUE_STALLED_INTERVAL: '1s',
    SEND_STALE_AFTER: '4s',
    SMTP_SOCKET_TIMEOUT: '60s',
  }
}

/**
 * A run of 300 recipients, queued on the private Redis, against a server
 * that takes a while over every message, sent by `worker` until 60 are out.
 */
async function runUnderWay(redis: PrivateRedis, worker: WorkerProcess) {
  await worker.start(workerEnv(redis))
  const started = await startedRun(300, 'Redis loss test')
  for (const client of started.clients) smtp.scriptFor(client.email, { kind: 'delay', ms: 40 })
  const queue = new Queue('default', { connection: redis.connection })
  await enqueueBatches(queue, started.run.id)
  await waitUntil('sending under way', async () => (await triesSent(started.run.id)) >= 60)
  return { ...started, queue }
}

async function triesSent(runId: number) {
  const rows = await DeliveryAttempt.query().where({ run_id: runId, outcome: 'sent' })
  return rows.length
}

/**
 * Waits for the run to complete, then checks every recipient got exactly
 * one message.
 */
async function assertCompletedOnce(
  assert: Assert,
  { run, clients }: Awaited<ReturnType<typeof startedRun>>
) {
  const finished = await waitUntil(
    'the run to complete',
    () => MailingRun.query().where({ id: run.id, status: 'completed' }).first(),
    90_000
  )
  assert.equal(finished.sent, clients.length)
  for (const client of clients) {
    assert.lengthOf(smtp.messagesTo(client.email), 1, `${client.email}: one message`)
  }
}

test.group('Redis losing its data mid-run', (group) => {
  let redis: PrivateRedis
  const workers: WorkerProcess[] = []
  group.each.setup(async () => {
    redis = new PrivateRedis()
    await redis.start()
    return async () => {
      for (const worker of workers.splice(0)) await worker.stop('SIGKILL')
      await redis.close()
    }
  })

  test('flushed (FLUSHALL): the run completes, every recipient gets one message', async ({
    assert,
  }) => {
    const worker = new WorkerProcess()
    workers.push(worker)
    const sending = await runUnderWay(redis, worker)
    try {
      await redis.client().flushall()
      assert.isBelow(await triesSent(sending.run.id), 300, 'the flush lands mid-run')

      await assertCompletedOnce(assert, sending)
      // The flush took the scheduler tick too: the worker registered it again.
      await waitUntil('the scheduler to be registered again', () =>
        sending.queue.getJobScheduler('start-due-runs')
      )
    } finally {
      await sending.queue.close()
    }
  }).timeout(120_000)

  test('restarted empty together with the worker: the run completes, every recipient once', async ({
    assert,
  }) => {
    const first = new WorkerProcess()
    const second = new WorkerProcess()
    workers.push(first, second)
    const sending = await runUnderWay(redis, first)
    try {
      // The kill lands while the server holds the messages in flight: a kill
      // between the server's 250 and the attempt row is the one way to send
      // twice (README, Sending), and not what this test is about.
      const unsent = () => sending.clients.filter((c) => smtp.messagesTo(c.email).length === 0)
      for (const client of unsent()) smtp.scriptFor(client.email, { kind: 'delay', ms: 30_000 })
      // Messages already in flight keep their 40 ms: the two batches are in
      // the long hold once nothing has arrived for a while and both wait.
      await waitUntil(
        'both batches held by the server, every accepted message logged',
        async () => {
          const accepted = sending.clients.length - unsent().length
          await sleep(500)
          const still = sending.clients.length - unsent().length === accepted
          return still && smtp.holding >= 2 && (await triesSent(sending.run.id)) === accepted
        }
      )
      // Both die at once, as on a lost machine; Redis comes back empty.
      await Promise.all([first.stop('SIGKILL'), redis.stop()])
      assert.isBelow(await triesSent(sending.run.id), 300, 'the crash lands mid-run')
      for (const client of unsent()) smtp.scriptFor(client.email, { kind: 'accept' })
      await redis.start()
      await second.start(workerEnv(redis))

      await assertCompletedOnce(assert, sending)
    } finally {
      await sending.queue.close()
    }
  }).timeout(120_000)
})

test.group('The worker checks the Redis it is given', () => {
  test('{title}')
    .with([
      {
        title: 'an evicting Redis gets a loud warning',
        args: ['--maxmemory-policy', 'allkeys-lru'],
        warned: true,
      },
      {
        title: 'so does one that refuses CONFIG (managed Redis): INFO tells',
        args: ['--maxmemory-policy', 'volatile-lru', '--rename-command', 'CONFIG', 'hidden-config'],
        warned: true,
      },
      {
        title: 'a Redis with noeviction gets none',
        args: ['--maxmemory-policy', 'noeviction'],
        warned: false,
      },
    ])
    .run(async ({ assert }, { args, warned }) => {
      const redis = new PrivateRedis(args)
      const worker = new WorkerProcess()
      try {
        await redis.start()
        await worker.start(redis.workerEnv)
        const warning = /maxmemory-policy is "[\w-]+": it must be "noeviction"/
        if (warned) assert.match(worker.output, warning)
        else assert.notMatch(worker.output, warning)
      } finally {
        await worker.stop('SIGKILL')
        await redis.close()
      }
    })
    .timeout(60_000)
})
