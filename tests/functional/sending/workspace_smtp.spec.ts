import { test } from '@japa/runner'
import { Queue } from 'bullmq'
import { dkimVerify } from 'mailauth/lib/dkim/verify.js'
import bouncesConfig from '#config/bounces'
import appEnv from '#start/env'
import SendBatch from '#sending/send_batch'
import { batchRanges } from '#sending/batch_ranges'
import { TestDnsServer } from '#tests/helpers/dns_server'
import { TestSmtpServer } from '#tests/helpers/smtp_server'
import { publishRecords } from '../sending_domains/helpers.js'
import { redisConnection } from '#config/redis'
import MailingRun from '#models/mailing_run'
import Delivery from '#models/delivery'
import { smtp } from '#tests/helpers/peers'
import { saveOwnServer, startServerWithLogin, verifiedSender } from '#tests/helpers/workspace_smtp'
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
 * Sends the run's batches here, in the test process, through the platform's
 * server (the suite's SMTP peer), with this process's settings.
 */
async function sendInThisProcess(runId: number) {
  for (const [fromId, toId] of await batchRanges(runId)) {
    await SendBatch.handle({ runId, fromId, toId }, { requeue: false })
  }
}

test.group("Sending through a workspace's own SMTP server", () => {
  test('a workspace whose server refuses its login pauses; the others keep sending, each through its own route', async ({
    assert,
  }) => {
    // A: its own server refuses the login. B: the platform's server.
    // C: its own server, working.
    const a = await startedRun(3, 'A: bad own server')
    const b = await startedRun(4, 'B: platform server')
    const c = await startedRun(3, 'C: good own server')
    const { server: strict } = await startServerWithLogin(false)
    const { server: good, logins } = await startServerWithLogin(true)
    const queue = new Queue('workspace-smtp-isolation', { connection: redisConnection })
    const worker = new WorkerProcess(['--queue=workspace-smtp-isolation'])
    try {
      // Their own servers send only from their own verified domains.
      await verifiedSender(a.tenant)
      await verifiedSender(c.tenant)
      await saveOwnServer(a.tenant, { port: strict.port, username: 'a', password: 'wrong' })
      await saveOwnServer(c.tenant, { port: good.port, username: 'c', password: 'right' })

      await worker.start()
      for (const { run } of [a, b, c]) await enqueueBatches(queue, run.id)

      const paused = await runWithStatus(a.run.id, 'paused')
      assert.include(paused.statusReason ?? '', "Your workspace's SMTP server refused to send")
      assert.include(paused.statusReason ?? '', 'Settings → SMTP server')
      assert.include(paused.statusReason ?? '', 'Invalid credentials')
      assert.equal(paused.sent, 0)
      assert.equal(paused.failed, 0)
      await a.mailing.refresh()
      assert.equal(a.mailing.status, 'paused')
      const aDeliveries = await Delivery.query().where('run_id', a.run.id)
      assert.isTrue(aDeliveries.every((d) => d.status === 'queued' && d.attempts === 0))

      const bDone = await runWithStatus(b.run.id, 'completed')
      assert.equal(bDone.sent, 4)
      const cDone = await runWithStatus(c.run.id, 'completed')
      assert.equal(cDone.sent, 3)

      // Each workspace's mail went its own way, and only there.
      for (const client of b.clients) {
        assert.lengthOf(smtp.messagesTo(client.email), 1)
        assert.lengthOf(good.messagesTo(client.email), 0)
      }
      for (const client of c.clients) {
        assert.lengthOf(good.messagesTo(client.email), 1)
        assert.lengthOf(smtp.messagesTo(client.email), 0)
      }
      for (const client of a.clients) {
        assert.lengthOf(smtp.messagesTo(client.email), 0)
        assert.lengthOf(strict.received, 0)
      }
      assert.isTrue(logins.length > 0 && logins.every((login) => login === 'c:right'))
    } finally {
      await worker.stop()
      await queue.close()
      await strict.stop()
      await good.stop()
    }
  }).timeout(90_000)

  test("a server that {case} pauses the workspace's mailing, failing no one")
    .with([
      {
        case: 'refuses connections (nothing on its port)',
        reason: 'refused the connection (ECONNREFUSED)',
        server: async () => ({ port: await freePort() }),
      },
      {
        // localhost resolves to loopback: refused at connection time,
        // although a server listens there (the platform's test server).
        case: 'is on a private address the operator did not allow',
        reason: 'private, loopback, link-local or metadata',
        server: async () => ({ host: 'localhost', port: smtp.port }),
        // Set, so .env.test's allowance of this machine does not apply (an
        // empty value would not override it).
        env: { SMTP_ALLOWED_HOSTS: '192.0.2.1' },
        // The address the name resolved to is never named.
        unsaid: '127.0.0.1',
      },
      {
        // Where nodemailer alone reports a socket error, retried as a
        // server that is down.
        case: 'speaks plain SMTP to implicit TLS',
        reason: 'TLS failed',
        server: async () => ({ port: smtp.port, tlsMode: 'implicit' as const }),
      },
    ])
    .run(async ({ assert }, { reason, server, env, unsaid }) => {
      const { tenant, clients, run } = await startedRun(2)
      const queue = new Queue(`workspace-smtp-${run.id}`, { connection: redisConnection })
      const worker = new WorkerProcess([`--queue=workspace-smtp-${run.id}`])
      try {
        await verifiedSender(tenant)
        await saveOwnServer(tenant, await server())
        await worker.start(env)
        await enqueueBatches(queue, run.id)

        const paused = await runWithStatus(run.id, 'paused')
        assert.include(paused.statusReason ?? '', reason)
        assert.include(paused.statusReason ?? '', 'Settings → SMTP server')
        if (unsaid) assert.notInclude(paused.statusReason ?? '', unsaid)
        assert.equal(paused.failed, 0)
        const deliveries = await Delivery.query().where('run_id', run.id)
        assert.isTrue(deliveries.every((d) => d.status === 'queued' && d.attempts === 0))
        for (const client of clients) assert.lengthOf(smtp.messagesTo(client.email), 0)
      } finally {
        await worker.stop()
        await queue.close()
      }
    })
    .timeout(90_000)

  test('ALLOW_CUSTOM_SMTP=false: saved servers are ignored, mail goes through the platform', async ({
    assert,
  }) => {
    const { tenant, clients, run } = await startedRun(3)
    // Nothing listens there: used, it would fail every message.
    await saveOwnServer(tenant, { port: await freePort() })
    const queue = new Queue('workspace-smtp-off', { connection: redisConnection })
    const worker = new WorkerProcess(['--queue=workspace-smtp-off'])
    try {
      await worker.start({ ALLOW_CUSTOM_SMTP: 'false' })
      await enqueueBatches(queue, run.id)

      const done = await runWithStatus(run.id, 'completed')
      assert.equal(done.sent, 3)
      for (const client of clients) assert.lengthOf(smtp.messagesTo(client.email), 1)
    } finally {
      await worker.stop()
      await queue.close()
    }
  }).timeout(90_000)
})

test.group('The sender and MAIL FROM on each route', () => {
  test("own server: paused before sending without a verified domain; with one, From and MAIL FROM the workspace's address, DKIM-signed", async ({
    assert,
  }) => {
    const unverified = await startedRun(2, 'Own server, unverified domain')
    const verified = await startedRun(2, 'Own server, verified domain')
    const own = new TestSmtpServer(await freePort())
    await own.start()
    const dns = new TestDnsServer()
    await dns.start()
    const queue = new Queue('workspace-smtp-sender', { connection: redisConnection })
    const worker = new WorkerProcess(['--queue=workspace-smtp-sender'])
    try {
      await saveOwnServer(unverified.tenant, { port: own.port })
      const domain = await verifiedSender(verified.tenant)
      publishRecords(dns, domain)
      await saveOwnServer(verified.tenant, { port: own.port })

      await worker.start()
      await enqueueBatches(queue, unverified.run.id)
      await enqueueBatches(queue, verified.run.id)

      const paused = await runWithStatus(unverified.run.id, 'paused')
      assert.include(paused.statusReason ?? '', 'only from your own verified domain')
      assert.include(paused.statusReason ?? '', 'Settings → Sending')
      assert.equal(paused.sent, 0)
      await unverified.mailing.refresh()
      assert.equal(unverified.mailing.status, 'paused')
      const untried = await Delivery.query().where('run_id', unverified.run.id)
      assert.isTrue(untried.every((d) => d.status === 'queued' && d.attempts === 0))

      const done = await runWithStatus(verified.run.id, 'completed')
      assert.equal(done.sent, 2)
      for (const client of verified.clients) {
        const [mail] = own.messagesTo(client.email)
        assert.deepEqual(mail.parsed.from?.value, [
          { name: verified.tenant.name, address: verified.tenant.senderEmail! },
        ])
        // The envelope sender: its own address, not our bounce domain.
        assert.equal(mail.from, verified.tenant.senderEmail)
        assert.deepEqual(mail.to, [client.email])
        const { results } = await dkimVerify(Buffer.from(mail.raw), { resolver: dns.resolver() })
        assert.lengthOf(results, 1)
        assert.equal(results[0].status.result, 'pass')
        assert.equal(results[0].signingDomain, domain.domain)
      }
      // Nothing of the paused workspace left anywhere.
      for (const client of unverified.clients) {
        assert.lengthOf(own.messagesTo(client.email), 0)
        assert.lengthOf(smtp.messagesTo(client.email), 0)
      }
    } finally {
      await worker.stop()
      await queue.close()
      await own.stop()
      await dns.stop()
    }
  }).timeout(90_000)

  test('platform server without BOUNCE_DOMAIN: MAIL FROM is MAIL_FROM_ADDRESS, whatever the From', async ({
    assert,
  }) => {
    const { tenant, clients, run } = await startedRun(2, 'Platform, no VERP')
    await verifiedSender(tenant)
    // Sent in this process (the platform's server is the suite's SMTP
    // peer): BOUNCE_DOMAIN cannot be emptied for a worker process, since
    // .env.test's value fills an empty one.
    const before = bouncesConfig.domain
    bouncesConfig.domain = null
    try {
      await sendInThisProcess(run.id)
    } finally {
      bouncesConfig.domain = before
    }
    for (const client of clients) {
      const mail = await smtp.waitForMailTo(client.email)
      assert.deepEqual(mail.parsed.from?.value, [
        { name: tenant.name, address: tenant.senderEmail! },
      ])
      assert.equal(mail.from, appEnv.get('MAIL_FROM_ADDRESS'))
    }
  }).timeout(30_000)

  test("platform server with BOUNCE_DOMAIN: MAIL FROM is the delivery's own bounce address", async ({
    assert,
  }) => {
    const { tenant, clients, run } = await startedRun(1, 'Platform, VERP')
    await verifiedSender(tenant)
    await sendInThisProcess(run.id)
    const mail = await smtp.waitForMailTo(clients[0].email)
    assert.match(mail.from, new RegExp(`^bounces\\+[^@]+@${bouncesConfig.domain}$`))
  }).timeout(30_000)
})
