import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import MailingRun from '#models/mailing_run'
import { createToken } from '#tests/helpers/api'
import { HttpAgent } from '#tests/helpers/http_agent'
import { logLines, requestLines, type LogLine } from '#tests/helpers/log_lines'
import { smtp, worker as sharedWorker } from '#tests/helpers/peers'
import { PrivateRedis } from '#tests/helpers/private_redis'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'
import { WebServerProcess } from '#tests/helpers/web_server'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'
import { startReceiver } from '../webhooks/receiver.js'
import { createEndpoint } from '../webhooks/helpers.js'

/**
 * A generated id (a cuid): the id of a scheduler tick.
 */
const GENERATED = /^[a-z0-9]{24}$/

/**
 * Waits until the process has logged lines matching `select`, at least
 * `count`, and returns them.
 */
function waitForLines(
  what: string,
  process: { output: string },
  select: (line: LogLine) => boolean,
  count = 1
) {
  return waitUntil(
    what,
    async () => {
      const lines = logLines(process.output).filter(select)
      return lines.length >= count ? lines : null
    },
    60_000
  ).catch((error) => {
    throw new Error(`${error.message}. The process logged:\n${process.output.slice(-6000)}`)
  })
}

/**
 * A web process and a worker as in production (JSON lines), on a Redis of
 * their own. The shared worker is stopped meanwhile: its scheduler and
 * webhook dispatcher read the same database, and would take the work.
 */
test.group('Logs: the request id follows the work into the jobs', (group) => {
  const redis = new PrivateRedis()
  const web = new WebServerProcess()
  const worker = new WorkerProcess()

  group.setup(async () => {
    await sharedWorker.stop()
    await redis.start()
    const env = { NODE_ENV: 'production', LOG_LEVEL: 'info', ...redis.workerEnv }
    await web.start(env)
    // A retry far enough away that the batch has drained before it is due:
    // the batch then queues itself again for it.
    await worker.start({ ...env, SEND_RETRY_DELAY: '10s' })
    return async () => {
      await worker.stop()
      await web.stop()
      await redis.close()
      await sharedWorker.start()
    }
  })

  test('a mailing started through the API: its batches, the batch queued again and its webhooks log the request id', async ({
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { user, tenant } = await createUser()
    await createEndpoint(tenant, receiver.url(), ['mailing.run.started', 'message.sent'])
    const [first, retried] = await createClients(tenant, 2)
    // A temporary refusal: the batch comes back as a new job for it.
    smtp.scriptFor(retried.email, { kind: 'reject', code: 451, message: 'Try again later' })
    const mailing = await createOpenMailing(user, await createMessage(tenant))
    const token = await createToken(user)

    const response = await fetch(web.url(`/api/v1/mailings/${mailing.id}/send`), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(response.status, 202)
    const requestId = response.headers.get('x-request-id')!
    const run = (await response.json()) as { id: number }

    const batches = await waitForLines(
      'two send batch jobs of the run (the first and the one it queued again)',
      worker,
      (line) => line.msg === 'Job send_batch completed' && line.run_id === run.id,
      2
    )
    for (const line of batches) {
      assert.containsSubset(line, { request_id: requestId, job: 'send_batch', level: 30 })
      assert.isString(line.job_id)
    }
    assert.notEqual(batches[0].job_id, batches[1].job_id)

    // mailing.run.started (recorded by the web process), two message.sent
    // (recorded by the batches): each delivered under the request's id.
    const attempts = await waitForLines(
      'three webhook attempts',
      worker,
      (line) => line.msg === 'Webhook attempt' && line.request_id === requestId,
      3
    )
    for (const line of attempts) {
      assert.match(line.webhook_message_id, /^msg_/)
      assert.equal(line.outcome, 'succeeded')
    }
    assert.lengthOf(smtp.messagesTo(first.email), 1)

    assert.containsSubset(requestLines(web.output, requestId)[0], {
      method: 'POST',
      route: '/api/v1/mailings/:id/send',
      status: 202,
      user_id: user.id,
      tenant_id: tenant.id,
    })
  }).timeout(90_000)

  test('application mail queued by a request is sent under its id', async ({ assert }) => {
    const { user } = await createUser()
    const browser = new HttpAgent(undefined, web.url(''))
    const asked = await browser.submit('/forgot-password', '/forgot-password', {
      email: user.email,
    })
    const requestId = asked.response.headers.get('x-request-id')!

    const [line] = await waitForLines(
      'the reset mail job',
      worker,
      (entry) => entry.msg === 'Job send_mail completed' && entry.request_id === requestId
    )
    assert.equal(line.job, 'send_mail')
    await waitUntil('the reset mail', async () => smtp.messagesTo(user.email).length === 1)
  }).timeout(60_000)

  test("a run the scheduler starts is logged under its tick's id and its run id", async ({
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await createClients(tenant, 1)
    const mailing = await createOpenMailing(user, await createMessage(tenant), {
      nextRunAt: DateTime.now(),
    })
    const run = await waitUntil('the run', () =>
      MailingRun.query().where('mailing_id', mailing.id).first()
    )

    const [line] = await waitForLines(
      'the batch of the scheduled run',
      worker,
      (entry) => entry.msg === 'Job send_batch completed' && entry.run_id === run.id
    )
    assert.match(line.request_id, GENERATED)
    assert.lengthOf(requestLines(web.output, line.request_id), 0)
  }).timeout(60_000)
})
