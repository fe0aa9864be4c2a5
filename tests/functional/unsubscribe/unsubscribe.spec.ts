import { test } from '@japa/runner'
import emitter from '@adonisjs/core/services/emitter'
import type Tenant from '#models/tenant'
import type Client from '#models/client'
import { unsubscribeToken, unsubscribeUrl } from '#sending/unsubscribe_links'
import { createUser } from '#tests/helpers/users'
import { webServerOnPrivateRedis } from '#tests/helpers/web_server'
import WebhookMessage from '#models/webhook_message'
import { createEndpoint } from '#tests/functional/webhooks/helpers'

let sequence = 0

async function createClient(tenant: Tenant, email?: string) {
  sequence += 1
  return tenant.related('clients').create({
    email: email ?? `reader-${Date.now().toString(36)}-${sequence}@example.com`,
    fullName: `Reader ${sequence}`,
  })
}

/**
 * The path of a client's unsubscribe link, as it appears in their mail.
 */
function linkOf(client: Client) {
  return new URL(unsubscribeUrl(client)).pathname
}

/**
 * What a mail program sends for a one-click unsubscribe (RFC 8058): a
 * form-encoded POST with no cookies and certainly no CSRF token.
 */
const ONE_CLICK_BODY = { 'List-Unsubscribe': 'One-Click' }

test.group('Unsubscribe: the link', () => {
  test('GET asks for confirmation, with the workspace and a masked address', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    tenant.name = 'Bakery Lumière'
    await tenant.save()
    const reader = await createClient(tenant, `margaret-${Date.now()}@example.com`)

    const response = await client.get(linkOf(reader))

    response.assertStatus(200)
    response.assertTextIncludes('Unsubscribe from Bakery Lumière?')
    response.assertTextIncludes(`m•••${reader.email.split('@')[0].at(-1)}@example.com`)
    assert.notInclude(response.text(), reader.email)
    response.assertTextIncludes(`<form method="POST" action="${linkOf(reader)}">`)
    response.assertHeader('cache-control', 'no-store')
    // Looking is not unsubscribing: mail scanners open links.
    await reader.refresh()
    assert.isNull(reader.unsubscribedAt)
  })

  test('POST without cookies or CSRF token unsubscribes and answers 200', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    tenant.name = 'Fromagerie Nord'
    await tenant.save()
    const reader = await createClient(tenant)

    const response = await client.post(linkOf(reader)).form(ONE_CLICK_BODY).redirects(0)

    response.assertStatus(200)
    response.assertTextIncludes('You are unsubscribed')
    response.assertTextIncludes('Fromagerie Nord</strong> will not send mailings to')
    await reader.refresh()
    assert.isNotNull(reader.unsubscribedAt)
  })

  test('a second POST changes nothing and still answers 200', async ({ client, assert }) => {
    const { tenant } = await createUser()
    const reader = await createClient(tenant)

    await client.post(linkOf(reader)).form(ONE_CLICK_BODY)
    await reader.refresh()
    const firstDate = reader.unsubscribedAt!.toISO()

    const again = await client.post(linkOf(reader)).form(ONE_CLICK_BODY)
    again.assertStatus(200)
    again.assertTextIncludes('You are unsubscribed')
    await reader.refresh()
    assert.equal(reader.unsubscribedAt!.toISO(), firstDate)

    const page = await client.get(linkOf(reader))
    page.assertStatus(200)
    page.assertTextIncludes('You are already unsubscribed')
    // Nothing more to unsubscribe from: the one form left is the way back.
    assert.notInclude(page.text(), `action="${linkOf(reader)}"`)
    page.assertTextIncludes(`<form method="POST" action="${linkOf(reader)}/resubscribe"`)
  })

  test('unsubscribes only that client, and says so once', async ({ client, assert, cleanup }) => {
    const events = emitter.fake(['client:unsubscribed'])
    cleanup(() => emitter.restore())
    const { tenant } = await createUser()
    const reader = await createClient(tenant)
    const neighbour = await createClient(tenant)

    await client.post(linkOf(reader)).form(ONE_CLICK_BODY)
    await client.post(linkOf(reader)).form(ONE_CLICK_BODY)

    await neighbour.refresh()
    assert.isNull(neighbour.unsubscribedAt)
    events.assertEmittedCount('client:unsubscribed', 1)
    events.assertEmitted(
      'client:unsubscribed',
      ({ data }) => data.client.id === reader.id && data.client.unsubscribedAt !== null
    )
  })
})

test.group('Unsubscribe: links that do not work', () => {
  test('a forged or garbled token answers a friendly 404 and changes nothing', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const reader = await createClient(tenant)
    const token = unsubscribeToken(reader)
    const forged = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21)

    for (const bad of [forged, token.slice(0, 30), 'not-a-token', `${reader.id}`]) {
      for (const method of ['GET', 'POST'] as const) {
        const response = await client.request(`/u/${bad}`, method).form(ONE_CLICK_BODY)
        response.assertStatus(404)
        response.assertTextIncludes('This link does not work')
      }
    }
    await reader.refresh()
    assert.isNull(reader.unsubscribedAt)
  })

  test('workspace A’s id with workspace B’s client unsubscribes nobody', async ({
    client,
    assert,
  }) => {
    const { tenant: tenantA } = await createUser()
    const { tenant: tenantB } = await createUser()
    const readerOfB = await createClient(tenantB)

    // A validly signed token naming a client that is not in that workspace.
    const crossed = unsubscribeToken({ tenantId: tenantA.id, id: readerOfB.id })
    for (const method of ['GET', 'POST'] as const) {
      const response = await client.request(`/u/${crossed}`, method).form(ONE_CLICK_BODY)
      response.assertStatus(404)
      assert.notInclude(response.text(), tenantB.name)
    }

    await readerOfB.refresh()
    assert.isNull(readerOfB.unsubscribedAt)
  })

  test('the link of a deleted client answers 404', async ({ client }) => {
    const { tenant } = await createUser()
    const reader = await createClient(tenant)
    const link = linkOf(reader)
    await reader.delete()

    const response = await client.post(link).form(ONE_CLICK_BODY)
    response.assertStatus(404)
    response.assertTextIncludes('This link does not work')
  })

  test('the example link of previews and tests explains itself and unsubscribes nobody', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const reader = await createClient(tenant)

    for (const method of ['GET', 'POST'] as const) {
      const response = await client.request('/u/example', method).form(ONE_CLICK_BODY)
      response.assertStatus(200)
      response.assertTextIncludes('This is an example link')
    }
    await reader.refresh()
    assert.isNull(reader.unsubscribedAt)
  })
})

test.group('Unsubscribe: CSRF elsewhere', () => {
  test('other forms still need a CSRF token', async ({ client, assert }) => {
    const { user } = await createUser()
    const update = () => client.put('/settings/profile').form({ fullName: 'Renamed' }).loginAs(user)

    // Shield sends the visitor back to the form: nothing is saved.
    await update().redirects(0)
    await user.refresh()
    assert.notEqual(user.fullName, 'Renamed')

    const withToken = await update().withCsrfToken().redirects(0)
    withToken.assertStatus(302)
    await user.refresh()
    assert.equal(user.fullName, 'Renamed')
  })
})

test.group('Unsubscribe: without Redis', () => {
  test('the page and the one-click POST work while Redis is down, and the webhook is recorded', async ({
    assert,
    cleanup,
  }) => {
    const { redis: privateRedis, server } = await webServerOnPrivateRedis(cleanup)
    const { tenant } = await createUser()
    await createEndpoint(tenant, 'https://hooks.example.com/mailings')
    const reader = await createClient(tenant)
    // The cache's bus subscribed when the process started, not at a first
    // use that could fall in an outage (open_cache.ts).
    const channels = await privateRedis.client().pubsub('CHANNELS', '*')
    assert.isAbove(channels.length, 0)
    await privateRedis.stop()

    const page = await fetch(server.url(linkOf(reader)))
    assert.equal(page.status, 200, server.output)
    assert.isNull(page.headers.get('set-cookie'))
    const oneClick = await fetch(server.url(linkOf(reader)), {
      method: 'POST',
      body: new URLSearchParams(ONE_CLICK_BODY),
    })
    assert.equal(oneClick.status, 200, server.output)

    await reader.refresh()
    assert.isNotNull(reader.unsubscribedAt)
    const recorded = await WebhookMessage.query()
      .where('tenant_id', tenant.id)
      .where('type', 'client.unsubscribed')
    assert.lengthOf(recorded, 1)
    const live = await fetch(server.url('/health/live'))
    assert.equal(live.status, 200)
  }).timeout(60_000)
})
