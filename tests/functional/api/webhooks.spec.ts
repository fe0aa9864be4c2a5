import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import { Webhook } from 'standardwebhooks'
import type Tenant from '#models/tenant'
import WebhookEndpoint from '#models/webhook_endpoint'
import WebhookDelivery from '#models/webhook_delivery'
import RecordWebhookEvent from '#actions/webhooks/record_webhook_event'
import { createUser } from '#tests/helpers/users'
import { api, createToken, statusOf } from '#tests/helpers/api'
import { startReceiver } from '#tests/functional/webhooks/receiver'
import {
  createEndpoint,
  recordUnsubscribe,
  waitForAttempts,
} from '#tests/functional/webhooks/helpers'

/**
 * An endpoint the worker leaves alone (disabled), with `count` pending
 * deliveries, oldest first.
 */
async function quietEndpointWithDeliveries(tenant: Tenant, count: number) {
  const endpoint = await createEndpoint(tenant, 'https://hooks.example.com/in')
  endpoint.enabled = false
  await endpoint.save()
  const deliveries = []
  for (let i = 0; i < count; i++) {
    const message = await RecordWebhookEvent.handle({
      tenantId: tenant.id,
      type: 'client.unsubscribed',
      data: { client_id: i },
      endpointIds: [endpoint.id],
    })
    deliveries.push(await WebhookDelivery.findByOrFail('message_id', message!.id))
  }
  return { endpoint, deliveries }
}

type Route = { method: 'get' | 'post' | 'patch' | 'delete'; path: string }

/**
 * Calls a route of a table, with the body where the method takes one.
 */
function call(calls: ReturnType<typeof api>, { method, path }: Route, body: unknown) {
  return method === 'get' || method === 'delete' ? calls[method](path) : calls[method](path, body)
}

const idsOf = (page: { body(): { data: { id: number }[] } }) =>
  page.body().data.map((item) => item.id)

test.group('API: webhook endpoints', () => {
  test('creates an endpoint with its secret, reads, changes, lists and deletes it', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))

    const created = await calls.post('/webhooks', {
      url: 'https://hooks.example.com/in',
      events: ['message.sent', 'message.failed'],
    })
    created.assertStatus(201)
    const { id, secret, ...shown } = created.body()
    assert.equal(created.header('location'), `/api/v1/webhooks/${id}`)
    const endpoint = await WebhookEndpoint.query().where('tenant_id', tenant.id).firstOrFail()
    assert.equal(secret, endpoint.secret)
    assert.match(secret, /^whsec_/)
    assert.include(shown, { url: 'https://hooks.example.com/in', enabled: true, description: null })

    const read = await calls.get(`/webhooks/${id}`)
    assert.deepEqual(read.body(), { id, ...shown })
    assert.notProperty(read.body(), 'secret')

    const disabled = await calls.patch(`/webhooks/${id}`, { enabled: false, description: 'CRM' })
    disabled.assertStatus(200)
    assert.include(disabled.body(), { enabled: false, description: 'CRM' })
    assert.deepEqual(disabled.body().events, ['message.sent', 'message.failed'])

    await WebhookEndpoint.query().where('id', id).update({ disabled_reason: 'It answered 410' })
    const enabled = await calls.patch(`/webhooks/${id}`, { enabled: true, description: null })
    assert.include(enabled.body(), { enabled: true, description: null, disabled_reason: null })

    const list = await calls.get('/webhooks')
    assert.deepEqual(list.body(), { data: [enabled.body()], next_cursor: null })

    assert.equal(await statusOf(calls.delete(`/webhooks/${id}`)), 204)
    assert.equal(await statusOf(calls.get(`/webhooks/${id}`)), 404)
    assert.isNull(await WebhookEndpoint.find(id))
  })

  test('a repeated create (Idempotency-Key) answers the same secret, kept encrypted', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))
    const key = `webhook-${tenant.id}`
    const body = { url: 'https://hooks.example.com/in', events: ['message.sent'] }

    const first = await calls.post('/webhooks', body, { headers: { 'Idempotency-Key': key } })
    const again = await calls.post('/webhooks', body, { headers: { 'Idempotency-Key': key } })
    assert.equal(again.header('idempotent-replayed'), 'true')
    assert.deepEqual(again.body(), first.body())
    assert.lengthOf(await tenant.related('webhookEndpoints').query(), 1)

    const [stored] = await redis.keys(`api:idempotency:*:${key}`)
    const record = await redis.get(stored)
    assert.notInclude(record, first.body().secret.slice(6))
  })

  test('refuses {$self} as a URL, naming the field')
    .with([
      'ftp://hooks.example.com/in',
      'not a url',
      'http://10.0.0.1/hooks',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:8080/',
      'http://localhost:3000/',
    ])
    .run(async ({ client, assert }, url) => {
      const { user, tenant } = await createUser()
      const calls = api(client, await createToken(user))
      const own = await createEndpoint(tenant, 'https://hooks.example.com/in')

      for (const response of [
        await calls.post('/webhooks', { url, events: ['message.sent'] }),
        await calls.patch(`/webhooks/${own.id}`, { url }),
      ]) {
        response.assertStatus(422)
        assert.match(response.header('content-type') ?? '', /^application\/problem\+json/)
        assert.deepEqual(
          response.body().errors.map((error: { field: string }) => error.field),
          ['url']
        )
      }
      await own.refresh()
      assert.equal(own.url, 'https://hooks.example.com/in')
    })

  test('refuses missing, unknown and empty events, and a bad status filter', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))
    const own = await createEndpoint(tenant, 'https://hooks.example.com/in')
    const fields = (response: { body(): { errors: { field: string }[] } }) =>
      response.body().errors.map((error) => error.field)

    assert.deepEqual(fields(await calls.post('/webhooks', {})), ['url', 'events'])
    assert.deepEqual(
      fields(await calls.post('/webhooks', { url: 'https://a.example.com', events: ['nope'] })),
      ['events.0']
    )
    assert.deepEqual(fields(await calls.patch(`/webhooks/${own.id}`, { events: [] })), ['events'])
    assert.deepEqual(fields(await calls.get(`/webhooks/${own.id}/deliveries?status=lost`)), [
      'status',
    ])
  })

  test('pages endpoints by cursor, newest first', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const endpoints = []
    for (let i = 0; i < 3; i++) {
      endpoints.push(await createEndpoint(tenant, `https://hooks.example.com/${i}`))
    }
    const calls = api(client, await createToken(user))

    const first = await calls.get('/webhooks?limit=2')
    const second = await calls.get(`/webhooks?limit=2&cursor=${first.body().next_cursor}`)
    assert.deepEqual(
      [...idsOf(first), ...idsOf(second)],
      endpoints.map((endpoint) => endpoint.id).reverse()
    )
    assert.isNull(second.body().next_cursor)
  })
})

test.group('API: webhook deliveries', () => {
  test('pages deliveries by cursor, newest first, and filters them by status', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const { endpoint, deliveries } = await quietEndpointWithDeliveries(tenant, 5)
    const failed = [deliveries[1].id, deliveries[3].id]
    await WebhookDelivery.query().whereIn('id', failed).update({ status: 'failed' })
    const calls = api(client, await createToken(user))
    const path = `/webhooks/${endpoint.id}/deliveries`

    const pages = [await calls.get(`${path}?limit=2`)]
    while (pages[pages.length - 1].body().next_cursor) {
      const cursor = pages[pages.length - 1].body().next_cursor
      pages.push(await calls.get(`${path}?limit=2&cursor=${cursor}`))
    }
    assert.lengthOf(pages, 3)
    assert.deepEqual(pages.flatMap(idsOf), deliveries.map((delivery) => delivery.id).reverse())
    const [newest] = pages[0].body().data
    assert.include(newest, { type: 'client.unsubscribed', status: 'pending' })
    assert.equal(newest.message_id, deliveries[4].messageId)
    assert.deepEqual(newest.attempts, [])

    const onlyFailed = await calls.get(`${path}?status=failed`)
    assert.deepEqual(idsOf(onlyFailed), [...failed].reverse())
  })

  test('redelivering makes a new attempt, signed with the rotated secret', async ({
    client,
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))
    const created = await calls.post('/webhooks', {
      url: receiver.url(),
      events: ['client.unsubscribed'],
    })
    const id = created.body().id
    const delivery = await waitForAttempts(await recordUnsubscribe(tenant), 1, 'succeeded')

    const log = await calls.get(`/webhooks/${id}/deliveries`)
    const [first] = log.body().data
    assert.include(first, { id: delivery.id, message_id: delivery.messageId, status: 'succeeded' })
    assert.lengthOf(first.attempts, 1)
    assert.include(first.attempts[0], { status_code: 200, response_excerpt: 'ok', error: null })

    const rotated = await calls.post(`/webhooks/${id}/rotate-secret`)
    rotated.assertStatus(200)
    assert.notEqual(rotated.body().secret, created.body().secret)
    const redelivered = await calls.post(`/webhooks/${id}/deliveries/${delivery.id}/redeliver`)
    redelivered.assertStatus(202)
    assert.include(redelivered.body(), { id: delivery.id, status: 'pending' })

    await waitForAttempts(delivery, 2, 'succeeded')
    const [before, again] = receiver.received
    assert.equal(again.headers['webhook-id'], before.headers['webhook-id'])
    new Webhook(created.body().secret).verify(before.body, before.headers)
    new Webhook(rotated.body().secret).verify(again.body, again.headers)
    assert.throws(() => new Webhook(created.body().secret).verify(again.body, again.headers))

    const relog = await calls.get(`/webhooks/${id}/deliveries`)
    const [after] = relog.body().data
    assert.equal(after.status, 'succeeded')
    assert.deepEqual(
      after.attempts.map((attempt: { status_code: number }) => attempt.status_code),
      [200, 200]
    )
  })

  test('a delivery still pending is not queued twice (409)', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const { endpoint, deliveries } = await quietEndpointWithDeliveries(tenant, 1)
    const calls = api(client, await createToken(user))

    const response = await calls.post(
      `/webhooks/${endpoint.id}/deliveries/${deliveries[0].id}/redeliver`
    )
    response.assertStatus(409)
    assert.include(response.body().detail, 'pending')
  })
})

test.group('API: webhooks, access', () => {
  const routes: Route[] = [
    { method: 'get', path: '/webhooks/:id' },
    { method: 'patch', path: '/webhooks/:id' },
    { method: 'delete', path: '/webhooks/:id' },
    { method: 'post', path: '/webhooks/:id/rotate-secret' },
    { method: 'get', path: '/webhooks/:id/deliveries' },
    { method: 'post', path: '/webhooks/:id/deliveries/:delivery/redeliver' },
  ]

  async function fixture() {
    const alice = await createUser()
    const bob = await createUser()
    const { endpoint, deliveries } = await quietEndpointWithDeliveries(alice.tenant, 1)
    await WebhookDelivery.query().where('id', deliveries[0].id).update({ status: 'failed' })
    const secret = endpoint.secret
    const url = (path: string) =>
      path.replace(':id', String(endpoint.id)).replace(':delivery', String(deliveries[0].id))
    const unchanged = async (assert: { equal: Function }) => {
      await endpoint.refresh()
      assert.equal(endpoint.secret, secret)
      assert.equal(endpoint.url, 'https://hooks.example.com/in')
      const delivery = await db.from('webhook_deliveries').where('id', deliveries[0].id).first()
      assert.equal(delivery.status, 'failed')
    }
    return { alice, bob, endpoint, deliveries, url, unchanged }
  }

  test('{method} {path}: another workspace’s endpoint answers 404')
    .with(routes)
    .run(async ({ client, assert }, { method, path }) => {
      const { bob, url, unchanged } = await fixture()
      const calls = api(client, await createToken(bob.user))

      const body = { url: 'https://evil.example.com' }
      const response = await call(calls, { method, path: url(path) }, body)
      response.assertStatus(404)
      await unchanged(assert)
    })

  test('{method} {path}: a token without webhooks:manage answers 403')
    .with<Route[]>([
      ...routes,
      { method: 'get', path: '/webhooks' },
      { method: 'post', path: '/webhooks' },
    ])
    .run(async ({ client, assert }, { method, path }) => {
      const { alice, url, unchanged } = await fixture()
      const abilities = ['clients:read', 'clients:write', 'mailings:write'] as const
      const calls = api(client, await createToken(alice.user, abilities))

      const body = { url: 'https://evil.example.com', events: ['message.sent'] }
      assert.equal(await statusOf(call(calls, { method, path: url(path) }, body)), 403)
      await unchanged(assert)
    })

  test('another workspace’s delivery answers 404 under your own endpoint', async ({
    client,
    assert,
  }) => {
    const { bob, deliveries, unchanged } = await fixture()
    const own = await createEndpoint(bob.tenant, 'https://bob.example.com/in')
    const calls = api(client, await createToken(bob.user))

    const response = await calls.post(
      `/webhooks/${own.id}/deliveries/${deliveries[0].id}/redeliver`
    )
    response.assertStatus(404)
    assert.match(response.header('content-type') ?? '', /^application\/problem\+json/)
    await unchanged(assert)
  })
})
