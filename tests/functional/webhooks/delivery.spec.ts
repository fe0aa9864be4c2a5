import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import MailingRun from '#models/mailing_run'
import RecordWebhookEvent from '#actions/webhooks/record_webhook_event'
import { unsubscribeUrl } from '#sending/unsubscribe_links'
import { smtp } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'
import { waitUntil } from '#tests/helpers/wait'
import { startReceiver } from './receiver.js'
import { createEndpoint, recordUnsubscribe, waitForAttempts } from './helpers.js'
import { postForm } from '#tests/helpers/forms'

test.group('Webhooks: events', () => {
  test('a mailing run announces itself, each message and its counts, signed', async ({
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { user, tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url(), [
      'mailing.run.started',
      'mailing.run.completed',
      'message.sent',
      'message.failed',
    ])
    const [kept, bounced] = await createClients(tenant, 2)
    smtp.scriptFor(bounced.email, { kind: 'reject', code: 550, message: 'No such user here' })
    const message = await createMessage(tenant)
    const mailing = await createOpenMailing(user, message, {
      name: 'Webhook run',
      nextRunAt: DateTime.now(),
    })

    await waitUntil('four webhooks', async () => receiver.received.length >= 4)
    const run = await MailingRun.query().where('mailing_id', mailing.id).firstOrFail()
    const events = receiver.verified(endpoint.secret)
    const byType = Object.fromEntries(events.map((event) => [event.type, event]))

    assert.sameMembers(Object.keys(byType), [
      'mailing.run.started',
      'message.sent',
      'message.failed',
      'mailing.run.completed',
    ])
    assert.deepEqual(byType['mailing.run.started'].data, {
      mailing_id: mailing.id,
      run_id: run.id,
      total: 2,
    })
    assert.deepEqual(byType['mailing.run.completed'].data, {
      mailing_id: mailing.id,
      run_id: run.id,
      total: 2,
      sent: 1,
      failed: 1,
      skipped: 0,
    })
    assert.include(byType['message.sent'].data, {
      mailing_id: mailing.id,
      run_id: run.id,
      client_id: kept.id,
      email: kept.email,
      attempts: 1,
      smtp_code: 250,
    })
    assert.include(byType['message.failed'].data, { email: bounced.email, smtp_code: 550 })
    assert.include(byType['message.failed'].data.response, 'No such user here')
    for (const event of events) {
      assert.equal(DateTime.fromISO(event.timestamp, { setZone: true }).offset, 0)
    }
    for (const request of receiver.received) {
      assert.match(request.headers['webhook-id'], /^msg_[\w-]{20,}$/)
      assert.equal(request.headers['content-type'], 'application/json')
    }
  })

  test('an unsubscribe POST announces client.unsubscribed', async ({ client, assert, cleanup }) => {
    const receiver = await startReceiver(cleanup)
    const { tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url())
    const [reader] = await createClients(tenant, 1)

    await client
      .post(new URL(unsubscribeUrl(reader)).pathname)
      .form({ 'List-Unsubscribe': 'One-Click' })

    await waitUntil('the webhook', async () => receiver.received.length === 1)
    const [event] = receiver.verified(endpoint.secret)
    await reader.refresh()
    assert.equal(event.type, 'client.unsubscribed')
    assert.deepEqual(event.data, {
      client_id: reader.id,
      email: reader.email,
      unsubscribed_at: reader.unsubscribedAt!.toUTC().toISO(),
    })
  })

  test('"Send a test event" sends a signed webhook.test to that endpoint only', async ({
    client,
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { user, tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url(), ['message.sent'])

    await postForm(client, `/settings/webhooks/${endpoint.id}/test`).loginAs(user)

    await waitUntil('the test webhook', async () => receiver.received.length === 1)
    const [event] = receiver.verified(endpoint.secret)
    assert.equal(event.type, 'webhook.test')
    assert.equal(event.data.endpoint_id, endpoint.id)
  })

  test('nothing is recorded for a workspace whose endpoints do not want the event', async ({
    assert,
  }) => {
    const { tenant } = await createUser()
    await createEndpoint(tenant, 'https://hooks.example.com/in', ['message.sent'])
    const message = await RecordWebhookEvent.handle({
      tenantId: tenant.id,
      type: 'client.unsubscribed',
      data: {},
    })
    assert.isNull(message)
  })
})

test.group('Webhooks: retries', () => {
  test('failed attempts are retried on schedule with the same webhook-id, then succeed', async ({
    client,
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    receiver.answer({ status: 500 }, { status: 503, body: 'x'.repeat(5000) })
    const { user, tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url())

    const delivery = await waitForAttempts(await recordUnsubscribe(tenant), 3, 'succeeded')

    const ids = receiver.received.map((request) => request.headers['webhook-id'])
    assert.deepEqual(ids, [delivery.messageId, delivery.messageId, delivery.messageId])
    assert.lengthOf(receiver.verified(endpoint.secret), 3)
    const attempts = delivery.attemptLog
    assert.deepEqual(
      attempts.map((attempt) => attempt.statusCode),
      [500, 503, 200]
    )
    assert.lengthOf(attempts[1].responseExcerpt!, 1024)
    // Each retry waited for the time the previous attempt scheduled.
    for (const [index, attempt] of attempts.slice(1).entries()) {
      assert.isNotNull(attempts[index].nextAttemptAt)
      assert.isTrue(attempt.attemptedAt >= attempts[index].nextAttemptAt!)
    }
    assert.isNull(attempts[2].nextAttemptAt)
    await endpoint.refresh()
    assert.isNull(endpoint.failingSince)

    const page = await client.get(`/settings/webhooks/${endpoint.id}`).loginAs(user)
    page.assertTextIncludes(delivery.messageId)
    page.assertTextIncludes('HTTP 503')
  })

  test('Retry-After ({value}) sets when the next attempt is due')
    .with([
      { value: '3600', seconds: 3600 },
      { value: 'in two hours', seconds: 7200 },
    ])
    .run(async ({ assert, cleanup }, { value, seconds }) => {
      const receiver = await startReceiver(cleanup)
      const header = value === '3600' ? value : new Date(Date.now() + seconds * 1000).toUTCString()
      receiver.answer({ status: 429, headers: { 'retry-after': header } })
      const { tenant } = await createUser()
      await createEndpoint(tenant, receiver.url())

      const delivery = await waitForAttempts(await recordUnsubscribe(tenant), 1)

      const [attempt] = delivery.attemptLog
      assert.equal(delivery.status, 'pending')
      const wait = delivery.nextAttemptAt!.diff(attempt.attemptedAt, 'seconds').seconds
      assert.closeTo(wait, seconds, 3)
      assert.equal(delivery.nextAttemptAt!.toISO(), attempt.nextAttemptAt!.toISO())
    })

  test('a delivery fails for good after the last scheduled attempt', async ({
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    receiver.answer({ status: 500 }, { status: 500 }, { status: 500 })
    const { tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url())

    const delivery = await waitForAttempts(await recordUnsubscribe(tenant), 3, 'failed')

    assert.lengthOf(delivery.attemptLog, 3)
    assert.isNull(delivery.nextAttemptAt)
    await endpoint.refresh()
    assert.isTrue(endpoint.enabled)
    assert.isNotNull(endpoint.failingSince)
  })

  test('a redelivered message is sent again with the same webhook-id', async ({
    client,
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { user, tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url())
    const delivery = await waitForAttempts(await recordUnsubscribe(tenant), 1, 'succeeded')

    await postForm(
      client,
      `/settings/webhooks/${endpoint.id}/deliveries/${delivery.id}/redeliver`
    ).loginAs(user)

    const again = await waitForAttempts(delivery, 2, 'succeeded')
    assert.lengthOf(receiver.received, 2)
    assert.equal(receiver.received[1].headers['webhook-id'], delivery.messageId)
    assert.equal(again.attempts, 1)
  })
})

test.group('Webhooks: endpoints that refuse', () => {
  test('410 Gone disables the endpoint, with the reason, and emails the owner', async ({
    client,
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    receiver.answer({ status: 410 })
    const { user, tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url())

    const delivery = await waitForAttempts(await recordUnsubscribe(tenant), 1, 'failed')

    assert.isNull(delivery.nextAttemptAt)
    await endpoint.refresh()
    assert.isFalse(endpoint.enabled)
    assert.include(endpoint.disabledReason!, '410 Gone')
    const mail = await smtp.waitForMailTo(user.email, 'webhook endpoint was disabled')
    assert.include(mail.parsed.text ?? '', receiver.url())
    assert.include(mail.parsed.text ?? '', '410 Gone')

    const page = await client.get(`/settings/webhooks/${endpoint.id}`).loginAs(user)
    page.assertTextIncludes('410 Gone')
    // A disabled endpoint gets nothing new.
    const next = await RecordWebhookEvent.handle({
      tenantId: tenant.id,
      type: 'client.unsubscribed',
      data: {},
    })
    assert.isNull(next)
  })

  test('an endpoint that has only failed for days is disabled', async ({ assert, cleanup }) => {
    const receiver = await startReceiver(cleanup)
    receiver.answer({ status: 502 })
    const { user, tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url())
    endpoint.failingSince = DateTime.utc().minus({ days: 6 })
    await endpoint.save()

    await waitForAttempts(await recordUnsubscribe(tenant), 1)

    await waitUntil('the endpoint to be disabled', async () => {
      await endpoint.refresh()
      return !endpoint.enabled
    })
    assert.include(endpoint.disabledReason!, 'Every attempt has failed since')
    await smtp.waitForMailTo(user.email, 'webhook endpoint was disabled')
  })

  test('a redirect is a failed attempt and is not followed', async ({ assert, cleanup }) => {
    const target = await startReceiver(cleanup, '127.0.0.1')
    const receiver = await startReceiver(cleanup)
    receiver.answer({ status: 302, headers: { location: target.url('/steal') } })
    const { tenant } = await createUser()
    await createEndpoint(tenant, receiver.url())

    const delivery = await waitForAttempts(await recordUnsubscribe(tenant), 1)

    const [attempt] = delivery.attemptLog
    assert.equal(attempt.statusCode, 302)
    assert.equal(attempt.error, `Redirect to ${target.url('/steal')} not followed`)
    assert.equal(delivery.status, 'pending')
    assert.lengthOf(target.received, 0)
  })
})
