import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { Queue } from 'bullmq'
import { redisConnection } from '#config/redis'
import MailingRun from '#models/mailing_run'
import { smtp } from '#tests/helpers/peers'
import { freePort } from '#tests/helpers/net'
import { enqueueBatches, startedRun } from '#tests/helpers/sending'
import { PrivateRedis } from '#tests/helpers/private_redis'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'
import { HEALTH_TOKEN, scrape } from '#tests/helpers/monitoring'

/**
 * A worker on a queue of the test's own, serving its HTTP port.
 */
async function workerOnPort(queueName: string, env: Record<string, string> = {}) {
  const port = await freePort()
  const worker = new WorkerProcess([`--queue=${queueName}`, `--http-port=${port}`])
  await worker.start(env)
  return { worker, url: (path: string) => `http://localhost:${port}${path}` }
}

test.group('Worker health and metrics port', () => {
  test('two workers send a mailing: their metrics count each try once and the run lateness once', async ({
    assert,
    cleanup,
  }) => {
    const queueName = `monitoring-${randomUUID()}`
    const queue = new Queue(queueName, { connection: redisConnection })
    const [first, second] = await Promise.all([workerOnPort(queueName), workerOnPort(queueName)])
    cleanup(async () => {
      await Promise.all([first.worker.stop(), second.worker.stop()])
      await queue.obliterate({ force: true })
      await queue.close()
    })

    const live = await fetch(first.url('/health/live'))
    assert.deepEqual(await live.json(), { status: 'ok' })
    const ready = await fetch(first.url('/health/ready'))
    assert.equal(ready.status, 200)
    assert.deepEqual(await ready.json(), {
      status: 'ok',
      checks: { database: 'ok', redis: 'ok', migrations: 'ok', workers: 'ok' },
    })
    const detailed = await fetch(first.url('/health/ready'), {
      headers: { authorization: `Bearer ${HEALTH_TOKEN}` },
    })
    const report = (await detailed.json()) as any
    const workers = report.checks.find((check: any) => check.name === 'workers')
    assert.deepEqual(workers.meta.workers, [{ queue: queueName, running: true, redis: 'ready' }])
    const refused = await fetch(first.url('/metrics'))
    assert.equal(refused.status, 401)

    // 60 recipients (two batches of 50 at most), one refused for good.
    const { clients, run } = await startedRun(60, 'Metrics test')
    smtp.scriptFor(clients[7].email, { kind: 'reject', code: 550, message: 'No such user' })
    await enqueueBatches(queue, run.id)
    const finished = await waitUntil(
      'the run to complete',
      () => MailingRun.query().where({ id: run.id, status: 'completed' }).first(),
      60_000
    )
    assert.equal(finished.sent, 59)
    assert.equal(finished.failed, 1)
    assert.isNotNull(finished.firstMessageAt)

    const scrapes = await Promise.all([
      scrape(first.url('/metrics')),
      scrape(second.url('/metrics')),
    ])
    const total = (name: string, labels: Record<string, string> = {}) =>
      scrapes.reduce((sum, metrics) => sum + metrics.value(name, labels), 0)
    assert.equal(total('mailings_messages_total', { result: 'sent' }), 59)
    assert.equal(total('mailings_messages_total', { result: 'failed' }), 1)
    assert.equal(total('mailings_messages_total', { result: 'retried' }), 0)
    assert.equal(total('mailings_smtp_replies_total', { class: '2xx' }), 59)
    assert.equal(total('mailings_smtp_replies_total', { class: '5xx' }), 1)
    // However many workers sent the run, one observed its lateness.
    assert.equal(total('mailings_run_lateness_seconds_count'), 1)
    for (const metrics of scrapes) {
      assert.isTrue(
        metrics.samples.some(
          (sample) => sample.name === 'mailings_messages_total' && sample.labels.role === 'worker'
        )
      )
      assert.isTrue(
        metrics.samples.some(
          (sample) => sample.name === 'mailings_queue_jobs' && sample.labels.queue === queueName
        )
      )
      assert.isTrue(metrics.names.has('mailings_nodejs_eventloop_lag_seconds'))
    }
  }).timeout(120_000)

  test('a worker is not ready while its Redis is down', async ({ assert, cleanup }) => {
    const privateRedis = new PrivateRedis()
    await privateRedis.start()
    const { worker, url } = await workerOnPort('monitoring-outage', privateRedis.workerEnv)
    cleanup(async () => {
      await worker.stop('SIGKILL')
      await privateRedis.close()
    })
    const ready = await fetch(url('/health/ready'))
    assert.equal(ready.status, 200, worker.output)

    await privateRedis.stop()
    // The app's connection and the BullMQ workers' notice the loss each in
    // their own time.
    const body = await waitUntil('the worker to answer 503 with its workers down', async () => {
      const response = await fetch(url('/health/ready'))
      const answer = (await response.json()) as any
      return response.status === 503 && answer.checks.workers === 'error' ? answer : null
    })
    assert.deepEqual(body, {
      status: 'error',
      checks: { database: 'ok', redis: 'error', migrations: 'ok', workers: 'error' },
    })
    const live = await fetch(url('/health/live'))
    assert.equal(live.status, 200)
  }).timeout(120_000)
})

test.group('Worker health port: configuration', () => {
  test('a port out of range stops the worker at boot with a sentence', async ({ assert }) => {
    // What WORKER_HTTP_PORT=910%i gives a tenth systemd instance.
    const worker = new WorkerProcess()
    const refused = await worker.start({ WORKER_HTTP_PORT: '91010' }).then(
      () => 'started',
      (error: Error) => error.message
    )
    await worker.stop('SIGKILL')
    assert.include(refused, 'WORKER_HTTP_PORT must be a port number from 1 to 65535 (got "91010")')
  })

  test('so does --http-port out of range (the systemd unit sets it per instance)', async ({
    assert,
  }) => {
    const worker = new WorkerProcess(['--http-port=91010'])
    const refused = await worker.start().then(
      () => 'started',
      (error: Error) => error.message
    )
    await worker.stop('SIGKILL')
    assert.include(refused, '--http-port must be a port number from 1 to 65535 (got 91010)')
    // A failure its supervisor sees (Restart=on-failure), not a clean exit.
    assert.include(refused, 'exited (1) while starting')
  })
})
