import { test } from '@japa/runner'
import { connect } from 'node:net'
import nodemailer from 'nodemailer'
import Delivery from '#models/delivery'
import { bounceToken, deliveryIdFromBounceToken, tokenOfBounceAddress } from '#bounces/verp'
import bouncesConfig from '#config/bounces'
import { freePort } from '#tests/helpers/net'
import { waitUntil } from '#tests/helpers/wait'
import { arfMessage, dsnMessage } from '#tests/helpers/bounce_messages'
import { startReceiver } from '../webhooks/receiver.js'
import { createEndpoint } from '../webhooks/helpers.js'
import { BounceListenerProcess, runCounters, sentMailing, suppressionOf } from './helpers.js'

const listener = new BounceListenerProcess()
let port = 0

/**
 * What a remote mail server does with a DSN: SMTP to the bounce domain's MX
 * with the null sender (MAIL FROM:<>), to the address it bounces to.
 */
function deliverReport(to: string, raw: string) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 5000,
  })
  return transport.sendMail({ envelope: { from: '', to: [to] }, raw })
}

/**
 * A client speaking SMTP by hand, one command at a time: nodemailer stops
 * at the first refusal, these tests need to keep going on one connection.
 */
async function rawSmtp() {
  const socket = connect(port, '127.0.0.1')
  let buffered = ''
  let closed = false
  const waiting: Array<(line: string) => void> = []
  const flush = () => {
    while (waiting.length > 0) {
      const end = buffered.indexOf('\r\n')
      // A multi-line reply (EHLO) ends with the line whose code is followed by a space.
      const lines = buffered.split('\r\n')
      const last = lines.findIndex((line) => /^\d{3} /.test(line))
      if (end === -1 || last === -1) {
        if (closed) waiting.shift()!('closed')
        else return
        continue
      }
      buffered = lines.slice(last + 1).join('\r\n')
      waiting.shift()!(lines[last])
    }
  }
  socket.on('data', (data) => {
    buffered += data.toString()
    flush()
  })
  socket.on('close', () => {
    closed = true
    flush()
  })
  socket.on('error', () => {})
  const reply = () =>
    new Promise<string>((resolve) => {
      waiting.push(resolve)
      flush()
    })
  const greeting = await reply()
  return {
    greeting,
    isClosed: () => closed,
    /** The command's reply, `closed` when the server hung up instead. */
    async say(command: string) {
      if (!closed) socket.write(`${command}\r\n`)
      const line = await reply()
      return line === 'closed' ? line : line.slice(0, 3)
    },
    end: () => socket.destroy(),
  }
}

test.group('bounces:listen', (group) => {
  group.setup(async () => {
    port = await freePort()
    await listener.start({ BOUNCES_PORT: String(port), BOUNCES_HOST: '127.0.0.1' })
    return async () => {
      const ending = await listener.stop('SIGTERM', 10_000)
      // A graceful stop, as the worker's: exit 0 on SIGTERM.
      if (ending.code !== 0)
        throw new Error(`bounces:listen exited ${ending.code}:\n${listener.output}`)
    }
  })

  test('each delivery is sent with its own signed VERP Return-Path', async ({ assert }) => {
    const { deliveries, originals } = await sentMailing(2)
    for (const [index, delivery] of deliveries.entries()) {
      const token = tokenOfBounceAddress(originals[index].returnPath, bouncesConfig.domain)
      assert.isNotNull(token, originals[index].returnPath)
      assert.equal(deliveryIdFromBounceToken(token!), Number(delivery.id))
    }
    assert.notEqual(originals[0].returnPath, originals[1].returnPath)
  })

  test('a DSN bounces the delivery once, counts it and suppresses the address', async ({
    assert,
    client,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { user, tenant, mailing, run, deliveries, originals } = await sentMailing(2)
    const endpoint = await createEndpoint(tenant, receiver.url(), ['message.bounced'])
    const [bounced, kept] = deliveries

    await deliverReport(originals[0].returnPath, dsnMessage(originals[0]))
    const suppression = await suppressionOf(tenant.id, bounced.email)
    // Recorded before the listener answered 250.
    assert.include(suppression, { reason: 'hard_bounce', source: 'dsn' })
    await bounced.refresh()
    assert.equal(bounced.status, 'bounced')
    assert.include(bounced.reason!, '5.1.1')
    assert.deepEqual(await runCounters(run.id), { sent: 2, bounced: 1, complained: 0 })

    // The same DSN again (a server retrying): counted once, announced once.
    await deliverReport(originals[0].returnPath, dsnMessage(originals[0]))
    assert.deepEqual(await runCounters(run.id), { sent: 2, bounced: 1, complained: 0 })

    const [event] = await waitUntil('the message.bounced webhook', async () => {
      const events = receiver.verified(endpoint.secret)
      return events.length > 0 && events
    })
    assert.equal(event.type, 'message.bounced')
    assert.include(event.data, {
      delivery_id: Number(bounced.id),
      run_id: run.id,
      email: bounced.email,
      bounce_type: 'hard',
      status: '5.1.1',
      source: 'dsn',
      suppressed: true,
    })
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.lengthOf(receiver.received, 1)

    // The statistics the mailing page polls show it.
    const stats = await client.get(`/mailings/${mailing.id}/stats`).loginAs(user)
    assert.include(stats.body().totals, { sent: 2, bounced: 1, bounceRate: 0.5, complained: 0 })

    await kept.refresh()
    assert.equal(kept.status, 'sent')
    assert.isNull(await suppressionOf(tenant.id, kept.email))
  })

  test('an ARF complaint to the feedback-loop address marks the delivery complained', async ({
    assert,
  }) => {
    const { tenant, run, deliveries, originals } = await sentMailing(1)
    await deliverReport(`bounces@${bouncesConfig.domain}`, arfMessage(originals[0]))

    const [delivery] = deliveries
    await delivery.refresh()
    assert.equal(delivery.status, 'complained')
    assert.include(await suppressionOf(tenant.id, delivery.email), {
      reason: 'complaint',
      source: 'arf',
    })
    assert.deepEqual(await runCounters(run.id), { sent: 1, bounced: 0, complained: 1 })
  })

  test('a forged or unknown token is refused at RCPT and changes nothing', async ({ assert }) => {
    const { tenant, run, deliveries, originals } = await sentMailing(1)
    const [delivery] = deliveries
    const token = tokenOfBounceAddress(originals[0].returnPath, bouncesConfig.domain)!
    const forged = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11)

    for (const to of [
      `bounces+${forged}@${bouncesConfig.domain}`,
      `bounces+${token}@elsewhere.test`,
      `postmaster@${bouncesConfig.domain}`,
    ]) {
      const error = await deliverReport(to, dsnMessage({ ...originals[0], returnPath: to })).catch(
        (caught) => caught
      )
      assert.equal(error?.responseCode, 550, to)
    }
    // A genuine report whose only token is forged (sent to the FBL address).
    await deliverReport(
      `bounces@${bouncesConfig.domain}`,
      dsnMessage({ ...originals[0], returnPath: `bounces+${forged}@${bouncesConfig.domain}` })
    )

    await delivery.refresh()
    assert.equal(delivery.status, 'sent')
    assert.isNull(await suppressionOf(tenant.id, delivery.email))
    assert.deepEqual(await runCounters(run.id), { sent: 1, bounced: 0, complained: 0 })
    await listener.waitForOutput('dropped a message without a valid token', 5000)
  })

  test('a message over the size bound is refused with 552', async ({ assert }) => {
    const to = `bounces+${bounceToken(1)}@${bouncesConfig.domain}`
    const huge = `Subject: big\r\n\r\n${'x'.repeat(76).concat('\r\n').repeat(20_000)}`
    const error = await deliverReport(to, huge).catch((caught) => caught)
    assert.equal(error?.responseCode, 552)
    assert.isAbove(huge.length, bouncesConfig.maxMessageBytes)
  })

  test('a delay notice changes nothing', async ({ assert }) => {
    const { deliveries, originals } = await sentMailing(1)
    await deliverReport(
      originals[0].returnPath,
      dsnMessage(originals[0], { action: 'delayed', status: '4.4.1' })
    )
    const delivery = await Delivery.findOrFail(deliveries[0].id)
    assert.equal(delivery.status, 'sent')
  })

  test('a connection trying many recipients is answered 421 and closed', async ({ assert }) => {
    const smtp = await rawSmtp()
    try {
      assert.equal(await smtp.say('EHLO mx.example.test'), '250')
      assert.equal(await smtp.say('MAIL FROM:<>'), '250')
      const replies: string[] = []
      for (let attempt = 0; attempt < 15 && !smtp.isClosed(); attempt++) {
        replies.push(await smtp.say(`RCPT TO:<guess${attempt}@${bouncesConfig.domain}>`))
      }
      assert.deepEqual(replies.slice(0, 10), Array(10).fill('550'))
      assert.equal(replies[10], '421')
      // Nothing answered after the 421: the server hung up.
      assert.deepEqual(
        [...new Set(replies.slice(11))].filter((r) => r !== 'closed'),
        []
      )
      await waitUntil('the connection closed', async () => smtp.isClosed())
    } finally {
      smtp.end()
    }
    // One line for the connection at info and one for closing it, not one per guess.
    await listener.waitForOutput('too many refused recipients', 5000)
    assert.equal(listener.output.split('guess').length - 1, 2)
  })

  test('a connection sending many messages is answered 421', async ({ assert }) => {
    const smtp = await rawSmtp()
    try {
      assert.equal(await smtp.say('EHLO mx.example.test'), '250')
      const accepted: string[] = []
      for (let message = 0; message < 25; message++) {
        const from = await smtp.say('MAIL FROM:<>')
        if (from !== '250') {
          assert.equal(from, '421')
          break
        }
        assert.equal(await smtp.say(`RCPT TO:<bounces@${bouncesConfig.domain}>`), '250')
        assert.equal(await smtp.say('DATA'), '354')
        accepted.push(await smtp.say('Subject: not a report\r\n\r\nHello\r\n.'))
      }
      assert.deepEqual(accepted, Array(20).fill('250'))
      await waitUntil('the connection closed', async () => smtp.isClosed())
    } finally {
      smtp.end()
    }
  })

  // Last: it spends this minute's connections of 127.0.0.1.
  test('a flood of connections from one address is answered 421', async ({ assert }) => {
    const greeting = () =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1')
        socket.once('data', (data) => {
          socket.destroy()
          resolve(data.toString().slice(0, 3))
        })
        socket.once('error', reject)
      })
    // In waves of 25 (under BOUNCES_MAX_CONNECTIONS): each greeting waits
    // smtp-server's 100 ms early-talker check.
    const greetings: string[] = []
    for (let wave = 0; wave < 5; wave++) {
      greetings.push(...(await Promise.all(Array.from({ length: 25 }, greeting))))
    }
    assert.include(greetings.slice(0, 100), '220')
    assert.equal(greetings.at(-1), '421')
  })
})
