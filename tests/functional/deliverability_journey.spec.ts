import { createHmac } from 'node:crypto'
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import nodemailer from 'nodemailer'
import { dkimVerify } from 'mailauth/lib/dkim/verify.js'
import Delivery from '#models/delivery'
import Mailing from '#models/mailing'
import MailingRun from '#models/mailing_run'
import AddSendingDomain from '#actions/sending_domains/add_sending_domain'
import CheckSendingDomain from '#actions/sending_domains/check_sending_domain'
import StartRun from '#sending/start_run'
import bouncesConfig from '#config/bounces'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage } from '#tests/helpers/workspace'
import { waitUntil } from '#tests/helpers/wait'
import { freePort } from '#tests/helpers/net'
import { TestSmtpServer, type ReceivedMail } from '#tests/helpers/smtp_server'
import { saveOwnServer } from '#tests/helpers/workspace_smtp'
import { newIp, throughTrustedProxy } from '#tests/helpers/proxy'
import { dsnMessage, type OriginalMessage } from '#tests/helpers/bounce_messages'
import { publishRecords, startDnsServer, uniqueDomain } from './sending_domains/helpers.js'
import { BounceListenerProcess, runCounters, suppressionOf } from './bounces/helpers.js'
import { ownerActorOf } from '#tests/helpers/actors'

/**
 * Issue 14's "how it will be checked", end to end and with real peers only:
 * a workspace verifies its domain against a DNS server started here, sends
 * DKIM-signed mail through its own SMTP server, hears of dead addresses
 * three ways (a 5.1.1 at RCPT TO, Postmark's webhook naming our token,
 * Mailgun's naming our Message-ID) and of a complaint (Postmark's), and the
 * mailing's next occurrence mails none of them; forged reports change
 * nothing. Through its own server MAIL FROM is the workspace's address, not
 * a VERP one (return_path.ts): DSNs and ARF reports go to its own mailbox,
 * so `bounces:listen` is not how it hears (tests/functional/bounces/
 * listener.spec.ts proves that path on the platform's server), and a DSN
 * forwarded there about its mail changes nothing.
 */
const listener = new BounceListenerProcess()
let listenerPort = 0

/**
 * What a remote MX does with a report: SMTP to the bounce domain with the
 * null sender.
 */
function deliverReport(to: string, raw: string) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: listenerPort,
    secure: false,
    ignoreTLS: true,
  })
  return transport.sendMail({ envelope: { from: '', to: [to] }, raw })
}

function originalOf(mail: ReceivedMail, recipient: string): OriginalMessage {
  return { returnPath: mail.from, recipient, messageId: mail.parsed.messageId! }
}

async function completedRun(runId: number) {
  return waitUntil(
    `run ${runId} to complete`,
    () => MailingRun.query().where({ id: runId, status: 'completed' }).first(),
    60_000
  )
}

test.group('Deliverability: a workspace’s whole journey', (group) => {
  group.setup(async () => {
    listenerPort = await freePort()
    await listener.start({ BOUNCES_PORT: String(listenerPort), BOUNCES_HOST: '127.0.0.1' })
    return () => listener.stop('SIGTERM', 10_000).then(() => {})
  })

  test('verified domain, own server, bounces three ways and a complaint; the next occurrence skips them all', async ({
    client,
    assert,
    cleanup,
  }) => {
    // The domain, proved against the DNS server of the test.
    const dns = await startDnsServer(cleanup)
    const { user, tenant } = await createUser()
    const domainName = uniqueDomain('journey')
    tenant.merge({ senderName: 'Journey News', senderEmail: `news@${domainName}` })
    await tenant.save()
    const domain = await AddSendingDomain.handle(await ownerActorOf(tenant), tenant, domainName)
    publishRecords(dns, domain)
    await CheckSendingDomain.handle(null, domain)
    assert.isTrue(domain.isVerified)

    // The workspace's own server; it knows no "dead" user.
    const own = new TestSmtpServer(await freePort())
    await own.start()
    cleanup(() => own.stop())
    await saveOwnServer(tenant, { port: own.port })
    const [reader, dead, mailgunBounced, providerBounced, complainer] = await createClients(
      tenant,
      5
    )
    own.refuseRecipient(dead.email, { code: 550, message: '5.1.1 user unknown' })

    // A daily mailing; its first occurrence.
    const message = await createMessage(tenant, { subject: 'Journey news' })
    const firstAt = DateTime.now().startOf('second')
    const mailing = await Mailing.create({
      tenantId: tenant.id,
      messageId: message.id,
      name: 'Daily journey',
      audience: 'all',
      periodicity: 'daily',
      startAt: firstAt.minus({ minutes: 1 }),
      endAt: firstAt.plus({ days: 3 }),
      status: 'created',
      createdById: user.id,
      nextRunAt: null,
    })
    const first = await completedRun((await StartRun.handle(mailing, firstAt))!.id)
    assert.deepEqual([first.sent, first.failed], [4, 1])

    // Everything went through the workspace's server, from its address,
    // signed with its key, with its address as MAIL FROM (its server would
    // refuse our bounce domain).
    const received = new Map<string, ReceivedMail>()
    for (const recipient of [reader, mailgunBounced, providerBounced, complainer]) {
      const mail = await own.waitForMailTo(recipient.email)
      received.set(recipient.email, mail)
      assert.equal(mail.parsed.from?.value[0].address, `news@${domainName}`)
      const { results } = await dkimVerify(Buffer.from(mail.raw), { resolver: dns.resolver() })
      assert.equal(results[0].status.result, 'pass', JSON.stringify(results[0].status))
      assert.equal(results[0].signingDomain, domainName)
      assert.equal(mail.from, `news@${domainName}`)
    }
    assert.lengthOf(own.messagesTo(dead.email), 0)

    // 1. At send time: the 5.1.1 at RCPT TO.
    assert.include(await suppressionOf(tenant.id, dead.email), {
      reason: 'hard_bounce',
      source: 'smtp',
    })

    // 2. Later, Mailgun's webhook (the provider behind its server, say),
    // naming our Message-ID.
    const mailgun = (eventData: object, key = bouncesConfig.webhooks.mailgun.signingKey!) => {
      const timestamp = String(Math.floor(Date.now() / 1000))
      const token = `tok-${Math.random()}`
      const signature = createHmac('sha256', key).update(`${timestamp}${token}`).digest('hex')
      return throughTrustedProxy(client.post('/webhooks/bounces/mailgun'), newIp()).json({
        'signature': { timestamp, token, signature },
        'event-data': eventData,
      })
    }
    const failedEvent = (recipient: string) => ({
      'event': 'failed',
      'severity': 'permanent',
      recipient,
      'delivery-status': { code: 550, message: '5.1.1 The email account does not exist' },
      'message': {
        headers: { 'message-id': received.get(recipient)!.parsed.messageId!.replace(/[<>]/g, '') },
      },
    })
    const mailgunResponse = await mailgun(failedEvent(mailgunBounced.email))
    mailgunResponse.assertStatus(200)

    // 3. Postmark's webhook, which echoes the metadata header we sent.
    const postmark = (recipient: string, fields: object) => {
      const { username, password } = bouncesConfig.webhooks.postmark
      return throughTrustedProxy(client.post('/webhooks/bounces/postmark'), newIp())
        .basicAuth(username, password!)
        .json({
          Email: recipient,
          Metadata: {
            'mailings-token': received
              .get(recipient)!
              .parsed.headers.get('x-pm-metadata-mailings-token'),
          },
          ...fields,
        })
    }
    const bounceResponse = await postmark(providerBounced.email, {
      RecordType: 'Bounce',
      Type: 'HardBounce',
      Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
    })
    bounceResponse.assertStatus(200)

    // 4. A complaint, as Postmark relays a feedback loop's.
    const complaintResponse = await postmark(complainer.email, {
      RecordType: 'SpamComplaint',
      Type: 'SpamComplaint',
    })
    complaintResponse.assertStatus(200)

    // Forged: a Mailgun report about the reader signed with another key is
    // refused, and a DSN about the reader forwarded to the bounce listener
    // (no token of ours: its Return-Path is the workspace's) changes nothing.
    const forgedResponse = await mailgun(failedEvent(reader.email), 'not-the-key')
    forgedResponse.assertStatus(401)
    const readerOriginal = originalOf(received.get(reader.email)!, reader.email)
    await deliverReport(`bounces@${bouncesConfig.domain}`, dsnMessage(readerOriginal))

    assert.deepEqual(
      await Promise.all(
        [mailgunBounced, providerBounced, complainer, reader].map((c) =>
          suppressionOf(tenant.id, c.email)
        )
      ).then((entries) => entries.map((entry) => entry && [entry.reason, entry.source])),
      [['hard_bounce', 'mailgun'], ['hard_bounce', 'postmark'], ['complaint', 'postmark'], null]
    )
    assert.deepEqual(await runCounters(first.id), { sent: 4, bounced: 2, complained: 1 })

    // The next occurrence: only the reader is mailed; the others are
    // skipped, each with its reason.
    const second = await completedRun(
      (await StartRun.handle(mailing, firstAt.plus({ days: 1 })))!.id
    )
    assert.deepEqual([second.total, second.sent, second.skipped], [5, 1, 4])
    const reasons = await Delivery.query()
      .where('run_id', second.id)
      .where('status', 'skipped')
      .orderBy('email')
      .select('email', 'reason')
    assert.sameDeepMembers(
      reasons.map((delivery) => [delivery.email, delivery.reason]),
      [
        [dead.email, 'Suppressed: hard bounce'],
        [mailgunBounced.email, 'Suppressed: hard bounce'],
        [providerBounced.email, 'Suppressed: hard bounce'],
        [complainer.email, 'Suppressed: complaint'],
      ]
    )
    assert.lengthOf(own.messagesTo(reader.email), 2)
    for (const gone of [dead, mailgunBounced, providerBounced, complainer]) {
      assert.isAtMost(own.messagesTo(gone.email).length, 1, gone.email)
    }
  }).timeout(120_000)
})
