import { createServer, type Socket } from 'node:net'
import { test } from '@japa/runner'
import { Queue } from 'bullmq'
import { redisConnection } from '#config/redis'
import Mailing from '#models/mailing'
import MailingRun from '#models/mailing_run'
import { freePort } from '#tests/helpers/net'
import { enqueueBatches, startedRun } from '#tests/helpers/sending'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'

/**
 * A mail server that accepts connections and never says a word: no
 * greeting, no answer. It keeps the sockets it holds.
 */
async function silentServer() {
  const held = new Set<Socket>()
  const server = createServer((socket) => {
    held.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => held.delete(socket))
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()))
  return {
    port,
    held,
    async close() {
      for (const socket of held) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

test.group('Pages while the mail server does not answer', () => {
  test('the mailing page and the dashboard answer and show the run as running', async ({
    client,
    assert,
  }) => {
    const { user, mailing, run } = await startedRun(5, 'Sent into silence')
    const server = await silentServer()
    const queue = new Queue('silent-server', { connection: redisConnection })
    const worker = new WorkerProcess(['--queue=silent-server'])
    try {
      // Timeouts far longer than the test: the worker keeps waiting.
      await worker.start({
        SMTP_PORT: String(server.port),
        SMTP_CONNECTION_TIMEOUT: '5m',
        SMTP_GREETING_TIMEOUT: '5m',
        SMTP_SOCKET_TIMEOUT: '5m',
      })
      await enqueueBatches(queue, run.id)
      await waitUntil('the worker to connect to the silent server', async () => server.held.size)

      const page = await client.get(`/mailings/${mailing.id}`).loginAs(user)
      page.assertStatus(200)
      assert.include(page.text(), 'data-running="true"')
      assert.match(page.text(), /data-progress-status>running</)

      const dashboard = await client.get('/dashboard').loginAs(user)
      dashboard.assertStatus(200)
      assert.match(dashboard.text(), /Running mailings<\/div>\s*<div[^>]*>1<\/div>/)

      // The server has answered nothing, so nothing is recorded yet either.
      assert.isAbove(server.held.size, 0)
      await run.refresh()
      assert.equal(run.status, 'running')
      assert.equal(run.sent + run.failed, 0)
    } finally {
      await server.close()
      await worker.stop()
      await queue.close()
      // Leave nothing running behind for the shared worker.
      await Mailing.query().where('id', mailing.id).update({ status: 'paused' })
      await MailingRun.query().where('id', run.id).update({ status: 'paused' })
    }
  }).timeout(90_000)
})
