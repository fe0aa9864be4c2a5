import { test } from '@japa/runner'
import { selfSignedCertificate } from '#tests/helpers/certificates'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHmac, createSign, generateKeyPairSync, sign } from 'node:crypto'
import type { ApiClient, ApiRequest } from '@japa/api-client'
import bouncesConfig from '#config/bounces'
import Delivery from '#models/delivery'
import { bounceToken } from '#bounces/verp'
import { snsStringToSign, type SnsMessage } from '#bounces/providers/sns'
import { newIp, throughTrustedProxy } from '#tests/helpers/proxy'
import { statusOf } from '#tests/helpers/api'
import { runCounters, sentMailing, suppressionOf } from './helpers.js'

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:mailings-bounces'

function post(client: ApiClient, provider: string) {
  return throughTrustedProxy(client.post(`/webhooks/bounces/${provider}`), newIp())
}

/**
 * A body sent as it is, with its type (SNS posts JSON as text/plain;
 * SendGrid's signature covers the exact bytes).
 */
function withRawBody(request: ApiRequest, type: string, body: string) {
  request.request.type(type).send(body)
  return request
}

/**
 * Plays SNS's web side: serves the signing certificate (made with openssl
 * for the test) and the SubscribeURL, and signs messages with its key.
 */
async function startSns(cleanup: (handler: () => Promise<void>) => void) {
  const { key, cert } = selfSignedCertificate('sns.amazonaws.com', 2)

  const hits: string[] = []
  const server = http.createServer((request, response) => {
    hits.push(request.url ?? '')
    if (request.url?.endsWith('.pem')) return response.end(cert)
    response.end('<ConfirmSubscriptionResponse/>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup(() => new Promise((resolve) => server.close(() => resolve())))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  let sequence = 0
  return {
    hits,
    origin,
    message(fields: Partial<SnsMessage> & Pick<SnsMessage, 'Type' | 'Message'>, version = '1') {
      const message = {
        MessageId: `msg-${++sequence}`,
        TopicArn: TOPIC,
        Timestamp: new Date().toISOString(),
        SignatureVersion: version,
        SigningCertURL: `${origin}/SimpleNotificationService-0123abcd.pem`,
        ...fields,
      } as SnsMessage
      const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
      signer.update(snsStringToSign(message))
      return { ...message, Signature: signer.sign(key, 'base64') }
    },
  }
}

function sesBounce(email: string, messageId: string, bounceType = 'Permanent') {
  return JSON.stringify({
    notificationType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: 'General',
      bouncedRecipients: [
        {
          emailAddress: email,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
    },
    mail: { messageId: 'ses-internal-id', commonHeaders: { messageId } },
  })
}

test.group('Provider bounce webhooks: Amazon SES via SNS', () => {
  test('signed notifications (SignatureVersion 1 and 2) bounce and suppress', async ({
    client,
    assert,
    cleanup,
  }) => {
    const sns = await startSns(cleanup)
    const { tenant, run, deliveries, originals } = await sentMailing(2)

    for (const [index, version] of ['1', '2'].entries()) {
      const body = sns.message(
        {
          Type: 'Notification',
          Message: sesBounce(deliveries[index].email, originals[index].messageId),
        },
        version
      )
      // As SNS posts it: JSON under text/plain.
      const response = await withRawBody(
        post(client, 'ses').header('x-amz-sns-message-type', 'Notification'),
        'text/plain; charset=UTF-8',
        JSON.stringify(body)
      )
      response.assertStatus(200)
      assert.equal(response.body().recorded, 1)
      assert.include(await suppressionOf(tenant.id, deliveries[index].email), {
        reason: 'hard_bounce',
        source: 'ses',
      })
    }
    assert.deepEqual(await runCounters(run.id), { sent: 2, bounced: 2, complained: 0 })
    // The certificate was fetched once and cached.
    assert.lengthOf(
      sns.hits.filter((hit) => hit.endsWith('.pem')),
      1
    )
  })

  test('a subscription is confirmed by fetching its SubscribeURL', async ({
    client,
    assert,
    cleanup,
  }) => {
    const sns = await startSns(cleanup)
    const body = sns.message({
      Type: 'SubscriptionConfirmation',
      Message: 'You have chosen to subscribe…',
      Token: 'token-1',
      SubscribeURL: `${sns.origin}/?Action=ConfirmSubscription&Token=token-1`,
    })
    const response = await post(client, 'ses').json(body)
    response.assertStatus(200)
    response.assertBodyContains({ confirmed: true })
    assert.include(sns.hits, '/?Action=ConfirmSubscription&Token=token-1')
  })

  test('forged, tampered, foreign-topic and foreign-certificate messages are refused', async ({
    client,
    assert,
    cleanup,
  }) => {
    const sns = await startSns(cleanup)
    const { tenant, deliveries, originals } = await sentMailing(1)
    const genuine = sns.message({
      Type: 'Notification',
      Message: sesBounce(deliveries[0].email, originals[0].messageId),
    })
    const cases: [string, unknown, number][] = [
      [
        'tampered message',
        { ...genuine, Message: sesBounce('other@example.com', originals[0].messageId) },
        401,
      ],
      ['no signature', { ...genuine, Signature: '' }, 401],
      ['a certificate elsewhere', { ...genuine, SigningCertURL: 'http://127.0.0.2:9/x.pem' }, 401],
      [
        'another topic',
        sns.message({
          Type: 'Notification',
          Message: '{}',
          TopicArn: 'arn:aws:sns:us-east-1:666:evil',
        }),
        403,
      ],
      ['not SNS at all', { hello: 'world' }, 400],
      [
        'a SubscribeURL elsewhere',
        sns.message({
          Type: 'SubscriptionConfirmation',
          Message: 'x',
          Token: 't',
          SubscribeURL: 'http://127.0.0.2:9/?Action=ConfirmSubscription',
        }),
        400,
      ],
    ]
    for (const [what, body, status] of cases) {
      const response = await post(client, 'ses').json(body as object)
      assert.equal(response.status(), status, what)
    }
    const invalidJson = await withRawBody(post(client, 'ses'), 'text/plain', '{nope')
    assert.equal(invalidJson.status(), 400)
    assert.isNull(await suppressionOf(tenant.id, deliveries[0].email))
  })
})

test.group('Provider bounce webhooks: Postmark, SendGrid, Mailgun', () => {
  test('Postmark: basic auth; the metadata token names the delivery', async ({
    client,
    assert,
  }) => {
    const { tenant, run, deliveries } = await sentMailing(2)
    const [bounced, complained] = deliveries
    const { username, password } = bouncesConfig.webhooks.postmark

    const payload = {
      RecordType: 'Bounce',
      Type: 'HardBounce',
      Email: bounced.email,
      Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
      MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
      Metadata: { 'mailings-token': bounceToken(bounced.id) },
    }
    const unauthorized = await post(client, 'postmark').basicAuth(username, 'wrong').json(payload)
    unauthorized.assertStatus(401)
    const anonymous = await post(client, 'postmark').json(payload)
    anonymous.assertStatus(401)
    assert.isNull(await suppressionOf(tenant.id, bounced.email))

    const response = await post(client, 'postmark').basicAuth(username, password!).json(payload)
    response.assertStatus(200)
    response.assertBodyContains({ recorded: 1 })
    await post(client, 'postmark')
      .basicAuth(username, password!)
      .json({
        RecordType: 'SpamComplaint',
        Type: 'SpamComplaint',
        Email: complained.email,
        Metadata: { 'mailings-token': bounceToken(complained.id) },
      })
      .then((answer) => answer.assertStatus(200))

    assert.deepEqual(await runCounters(run.id), { sent: 2, bounced: 1, complained: 1 })
    assert.include(await suppressionOf(tenant.id, complained.email), { reason: 'complaint' })
  })

  test('SendGrid: ECDSA-signed events are recorded; forged or stale ones refused', async ({
    client,
    assert,
  }) => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const original = bouncesConfig.webhooks.sendgrid.publicKey
    bouncesConfig.webhooks.sendgrid.publicKey = publicKey
      .export({ format: 'der', type: 'spki' })
      .toString('base64')
    try {
      const { tenant, run, deliveries, originals } = await sentMailing(2)
      const events = JSON.stringify([
        { 'email': deliveries[0].email, 'event': 'delivered', 'smtp-id': originals[0].messageId },
        {
          'email': deliveries[0].email,
          'event': 'bounce',
          'type': 'bounce',
          'status': '5.1.1',
          'reason': '550 5.1.1 unknown',
          'smtp-id': originals[0].messageId,
        },
        // A Message-ID naming one delivery for another's address: refused.
        { 'email': 'someone@else.test', 'event': 'spamreport', 'smtp-id': originals[1].messageId },
      ])
      const signed = (body: string, timestamp = String(Math.floor(Date.now() / 1000))) => ({
        'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
        'X-Twilio-Email-Event-Webhook-Signature': sign(
          'sha256',
          Buffer.from(timestamp + body),
          privateKey
        ).toString('base64'),
      })
      const send = (headers: Record<string, string>, body = events) =>
        withRawBody(post(client, 'sendgrid').headers(headers), 'application/json', body)

      const stale = signed(events, String(Math.floor(Date.now() / 1000) - 3600))
      assert.equal(await statusOf(send(stale)), 401)
      const tampered = signed(events)
      assert.equal(await statusOf(send(tampered, events.replace('5.1.1', '5.1.2'))), 401)
      assert.equal(await statusOf(send({})), 401)
      assert.isNull(await suppressionOf(tenant.id, deliveries[0].email))

      const response = await send(signed(events))
      response.assertStatus(200)
      response.assertBodyContains({ recorded: 1, unknown: 1 })
      assert.deepEqual(await runCounters(run.id), { sent: 2, bounced: 1, complained: 0 })
      assert.include(await suppressionOf(tenant.id, deliveries[0].email), { source: 'sendgrid' })
    } finally {
      bouncesConfig.webhooks.sendgrid.publicKey = original
    }
  })

  test('Mailgun: HMAC-signed events; stale, forged and replayed ones refused', async ({
    client,
    assert,
  }) => {
    const key = bouncesConfig.webhooks.mailgun.signingKey!
    const { tenant, run, deliveries, originals } = await sentMailing(1)
    const signature = (
      timestamp = Math.floor(Date.now() / 1000),
      token = `tok-${Math.random()}`
    ) => ({
      timestamp: String(timestamp),
      token,
      signature: createHmac('sha256', key).update(`${timestamp}${token}`).digest('hex'),
    })
    const eventData = {
      'event': 'failed',
      'severity': 'permanent',
      'recipient': deliveries[0].email,
      'delivery-status': { code: 550, message: '5.1.1 The email account does not exist' },
      'message': { headers: { 'message-id': originals[0].messageId.replace(/[<>]/g, '') } },
    }

    // Older than Mailgun's 8 hours of retries.
    const stale = {
      'signature': signature(Math.floor(Date.now() / 1000) - 10 * 3600),
      'event-data': eventData,
    }
    assert.equal(await statusOf(post(client, 'mailgun').json(stale)), 401)
    const forged = {
      'signature': { ...signature(), signature: 'ab'.repeat(32) },
      'event-data': eventData,
    }
    assert.equal(await statusOf(post(client, 'mailgun').json(forged)), 401)
    assert.equal(await statusOf(post(client, 'mailgun').json({ 'event-data': eventData })), 401)

    const genuine = { 'signature': signature(), 'event-data': eventData }
    const response = await post(client, 'mailgun').json(genuine)
    response.assertStatus(200)
    response.assertBodyContains({ recorded: 1 })
    assert.equal(await statusOf(post(client, 'mailgun').json(genuine)), 409)

    assert.deepEqual(await runCounters(run.id), { sent: 1, bounced: 1, complained: 0 })
    assert.include(await suppressionOf(tenant.id, deliveries[0].email), { reason: 'hard_bounce' })
  })

  test('Mailgun: a request answered 503 is taken when Mailgun retries it, minutes later', async ({
    client,
    assert,
  }) => {
    const key = bouncesConfig.webhooks.mailgun.signingKey!
    const { tenant, run, deliveries, originals } = await sentMailing(1)
    // Signed 10 minutes ago: Mailgun's first retries come 10 and 20 minutes
    // after the first attempt, with the same signed body.
    const timestamp = String(Math.floor(Date.now() / 1000) - 10 * 60)
    const token = `tok-${Math.random()}`
    const body = {
      'signature': {
        timestamp,
        token,
        signature: createHmac('sha256', key).update(`${timestamp}${token}`).digest('hex'),
      },
      'event-data': {
        'event': 'failed',
        'severity': 'permanent',
        'recipient': deliveries[0].email,
        'delivery-status': { code: 550, message: '5.1.1 The email account does not exist' },
        'message': { headers: { 'message-id': originals[0].messageId.replace(/[<>]/g, '') } },
      },
    }

    // Our own send not settled yet (a worker still holding it): 503.
    await Delivery.query().where('id', deliveries[0].id).update({ status: 'sending' })
    const early = await post(client, 'mailgun').json(body)
    early.assertStatus(503)

    await Delivery.query().where('id', deliveries[0].id).update({ status: 'sent' })
    const retried = await post(client, 'mailgun').json(body)
    retried.assertStatus(200)
    retried.assertBodyContains({ recorded: 1 })
    assert.deepEqual(await runCounters(run.id), { sent: 1, bounced: 1, complained: 0 })
    assert.include(await suppressionOf(tenant.id, deliveries[0].email), { source: 'mailgun' })
    // Taken once it was answered 200.
    assert.equal(await statusOf(post(client, 'mailgun').json(body)), 409)
  })

  test('unconfigured providers answer 404; oversized bodies 413; floods 429', async ({
    client,
    assert,
  }) => {
    const original = bouncesConfig.webhooks.sendgrid.publicKey
    bouncesConfig.webhooks.sendgrid.publicKey = null
    try {
      assert.equal(await statusOf(post(client, 'sendgrid').json([])), 404)
    } finally {
      bouncesConfig.webhooks.sendgrid.publicKey = original
    }

    const big = 'x'.repeat(bouncesConfig.webhooks.maxBodyBytes + 1)
    assert.equal(await statusOf(post(client, 'mailgun').json({ big })), 413)

    const limit = bouncesConfig.webhooks.ratePerMinute
    bouncesConfig.webhooks.ratePerMinute = 2
    try {
      const ip = newIp()
      const statuses = []
      for (let i = 0; i < 3; i++) {
        const response = await throughTrustedProxy(
          client.post('/webhooks/bounces/mailgun'),
          ip
        ).json({})
        statuses.push(response.status())
      }
      assert.deepEqual(statuses, [401, 401, 429])
    } finally {
      bouncesConfig.webhooks.ratePerMinute = limit
    }
  })
})
