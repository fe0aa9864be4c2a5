import { test } from '@japa/runner'
import { Queue } from 'bullmq'
import db from '@adonisjs/lucid/services/db'
import { redisConnection } from '#config/redis'
import MailingRun from '#models/mailing_run'
import Delivery from '#models/delivery'
import DeliveryAttempt from '#models/delivery_attempt'
import { attemptLog, type AttemptRow } from '#sending/attempt_log'
import { sqlTime } from '#services/database/sql_time'
import { TestSmtpServer } from '#tests/helpers/smtp_server'
import { ReplyRelay } from '#tests/helpers/reply_relay'
import { enqueueBatches, startedRun } from '#tests/helpers/sending'
import { freePort } from '#tests/helpers/net'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'

/**
 * A server's reply is the server's to write. Whatever it says after
 * accepting a message, the try is logged and the message never goes out
 * again: an attempt row the database refuses used to fail its whole write
 * group, and every message of the group, accepted already, was sent again
 * once its claim was stale.
 */

/** Bytes that are not UTF-8: a lone continuation, 0xFF, an encoded surrogate. */
const NOT_UTF8 = Buffer.from([0x71, 0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80])

test.group('Hostile replies from the mail server', () => {
  test('replies with a NUL byte, bytes that are not UTF-8 or 100,000 characters are logged, each message goes once', async ({
    assert,
  }) => {
    const { clients, run } = await startedRun(8)
    const [nul, notUtf8, long, refusedNul] = clients
    const server = new TestSmtpServer(await freePort())
    const relay = new ReplyRelay(server.port, {
      'MARK-NUL': Buffer.from('2.0.0 queued\u0000as NUL1'),
      'MARK-BYTES': NOT_UTF8,
    })
    server.scriptFor(nul.email, { kind: 'accept', reply: 'MARK-NUL' })
    server.scriptFor(notUtf8.email, { kind: 'accept', reply: 'MARK-BYTES' })
    server.scriptFor(long.email, { kind: 'accept', reply: 'x'.repeat(100_000) })
    server.scriptFor(refusedNul.email, { kind: 'reject', code: 550, message: 'MARK-NUL' })
    const relayPort = await freePort()
    const queue = new Queue('hostile-replies', { connection: redisConnection })
    // One delivery per batch: the batches send side by side, so their tries
    // end together and share write groups.
    const worker = new WorkerProcess(['--queue=hostile-replies'])
    try {
      await server.start()
      await relay.start(relayPort)
      await worker.start({ SMTP_PORT: String(relayPort), SEND_BATCH_SIZE: '1' })
      await enqueueBatches(queue, run.id)

      const sentTwice = () => clients.some((client) => server.messagesTo(client.email).length > 1)
      await waitUntil(
        'the run to complete (or a message to go twice)',
        async () =>
          sentTwice() ||
          (await MailingRun.query().where({ id: run.id, status: 'completed' }).first()),
        60_000
      )
      for (const client of clients) {
        assert.lengthOf(
          server.messagesTo(client.email),
          client === refusedNul ? 0 : 1,
          client.email
        )
      }

      const finished = await MailingRun.findOrFail(run.id)
      assert.equal(finished.status, 'completed')
      assert.equal(finished.sent, 7)
      assert.equal(finished.failed, 1)

      const deliveries = await Delivery.query().where('run_id', run.id).preload('attemptLog')
      const of = (email: string) => deliveries.find((delivery) => delivery.email === email)!
      for (const delivery of deliveries) {
        assert.lengthOf(delivery.attemptLog, 1, delivery.email)
        assert.equal(delivery.attempts, 1)
        assert.notInclude(delivery.attemptLog[0].response ?? '', '\u0000')
      }
      const response = (email: string) => of(email).attemptLog[0].response ?? ''
      assert.equal(of(nul.email).status, 'sent')
      assert.match(response(nul.email), /^250 .*queuedas NUL1$/)
      assert.equal(of(notUtf8.email).status, 'sent')
      assert.include(response(notUtf8.email), NOT_UTF8.toString('latin1'))
      assert.equal(of(long.email).status, 'sent')
      assert.lengthOf(response(long.email), 1000)
      assert.equal(of(refusedNul.email).status, 'failed')
      assert.equal(of(refusedNul.email).attemptLog[0].outcome, 'permanent')
      assert.match(of(refusedNul.email).reason ?? '', /^550 .*queuedas NUL1$/)
    } finally {
      await worker.stop()
      await queue.close()
      await relay.stop()
      await server.stop()
    }
  }).timeout(90_000)

  test('a row the database refuses fails alone, the rest of its write group is logged', async ({
    assert,
  }) => {
    const { run } = await startedRun(3)
    const [kept, gone, alsoKept] = await Delivery.query().where('run_id', run.id).orderBy('id')
    // Stands for any row the database refuses whatever the retries: its
    // delivery is gone, so the row breaks the foreign key to deliveries.
    await db.from('deliveries').where('id', gone.id).delete()
    const row = (delivery: Delivery): AttemptRow => ({
      delivery_id: delivery.id,
      run_id: run.id,
      outcome: 'sent',
      smtp_code: 250,
      response: '250 OK',
      duration_ms: 1,
      attempted_at: sqlTime(),
    })

    // Appended in one turn of the event loop: one write group.
    const results = await Promise.allSettled(
      [kept, gone, alsoKept].map((d) => attemptLog.append(row(d)))
    )

    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected', 'fulfilled']
    )
    const logged = await DeliveryAttempt.query().where('run_id', run.id).orderBy('delivery_id')
    assert.deepEqual(
      logged.map((attempt) => Number(attempt.deliveryId)),
      [Number(kept.id), Number(alsoKept.id)]
    )
  })
})
