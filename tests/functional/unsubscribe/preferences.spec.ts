import { test } from '@japa/runner'
import Tag from '#models/tag'
import Consent from '#models/consent'
import WebhookMessage from '#models/webhook_message'
import Suppression, { type SuppressionReason } from '#models/suppression'
import type Tenant from '#models/tenant'
import type Client from '#models/client'
import SuppressAddress from '#actions/suppressions/suppress_address'
import preferencesConfig from '#config/preferences'
import { addTagsToClients } from '#audiences/client_tags'
import { unsubscribeToken, unsubscribeUrl } from '#sending/unsubscribe_links'
import { createUser } from '#tests/helpers/users'
import { waitUntil } from '#tests/helpers/wait'
import { webServerOnPrivateRedis } from '#tests/helpers/web_server'
import { startReceiver } from '#tests/functional/webhooks/receiver'
import { createEndpoint } from '#tests/functional/webhooks/helpers'
import { tagNamesOf } from '#tests/functional/clients/audience_helpers'

let sequence = 0

async function createReader(tenant: Tenant) {
  sequence += 1
  return tenant.related('clients').create({
    email: `reader-${Date.now().toString(36)}-${sequence}@example.com`,
    fullName: `Reader ${sequence}`,
  })
}

function createTag(tenant: Tenant, name: string, fields: Partial<Tag> = {}) {
  return Tag.create({ tenantId: tenant.id, name, isTopic: false, ...fields })
}

function createTopic(tenant: Tenant, name: string, description: string | null = null) {
  return createTag(tenant, name, { isTopic: true, description })
}

/**
 * A workspace with two topics and a plain tag, and a reader who has the
 * first topic and the plain tag.
 */
async function workspaceWithTopics(name = 'Boulangerie Rive') {
  const { tenant } = await createUser()
  tenant.name = name
  await tenant.save()
  const bread = await createTopic(tenant, 'Bread news', 'What comes out of the oven each week')
  const workshops = await createTopic(tenant, 'Workshops')
  const vip = await createTag(tenant, 'VIP')
  const reader = await createReader(tenant)
  await addTagsToClients([bread.id, vip.id], [reader.id])
  return { tenant, reader, bread, workshops, vip }
}

function linkOf(client: Client) {
  return new URL(unsubscribeUrl(client)).pathname
}

test.group('Preferences: the page', () => {
  test('shows the workspace, the masked address and its topics, ticked as the client has them', async ({
    client,
    assert,
  }) => {
    const { reader, bread, workshops } = await workspaceWithTopics()

    const response = await client.get(linkOf(reader))

    response.assertStatus(200)
    response.assertHeader('cache-control', 'no-store')
    const html = response.text()
    assert.include(html, 'Your subscription to Boulangerie Rive')
    assert.include(html, `r•••${reader.email.split('@')[0].at(-1)}@example.com`)
    assert.notInclude(html, reader.email)
    assert.include(html, `<form method="POST" action="${linkOf(reader)}/topics">`)
    assert.match(html, new RegExp(`name="topics\\[\\]" value="${bread.id}"[^>]*checked`))
    assert.notMatch(html, new RegExp(`name="topics\\[\\]" value="${workshops.id}"[^>]*checked`))
    assert.include(html, 'What comes out of the oven each week')
    // A plain tag is the workspace's label, not the reader's business.
    assert.notInclude(html, 'VIP')
    assert.include(html, 'Save preferences')
    assert.include(html, `<form method="POST" action="${linkOf(reader)}"`)
    assert.include(html, 'Unsubscribe from everything')
  })

  test('hostile topic names and descriptions are shown as text', async ({ client, assert }) => {
    const { tenant } = await createUser()
    await createTopic(tenant, '<script>alert(1)</script>', '<img src=x onerror=alert(2)>')
    const reader = await createReader(tenant)

    const response = await client.get(linkOf(reader))

    response.assertStatus(200)
    assert.notInclude(response.text(), '<script>alert(1)')
    assert.notInclude(response.text(), '<img src=x')
    assert.include(response.text(), '&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  test('a workspace without topics shows the simple unsubscribe page', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    tenant.name = 'Atelier Simple'
    await tenant.save()
    await createTag(tenant, 'Not a topic')
    const reader = await createReader(tenant)

    const response = await client.get(linkOf(reader))

    response.assertStatus(200)
    response.assertTextIncludes('Unsubscribe from Atelier Simple?')
    assert.notInclude(response.text(), 'Save preferences')
    assert.notInclude(response.text(), 'Not a topic')
  })
})

test.group('Preferences: saving topics', () => {
  test('saves the ticked topics, touches no other tag, and says so', async ({ client, assert }) => {
    const { reader, workshops } = await workspaceWithTopics()

    const response = await client
      .post(`${linkOf(reader)}/topics`)
      .form({ 'topics[]': [workshops.id] })
      .redirects(0)

    response.assertStatus(303)
    assert.equal(response.header('location'), `${linkOf(reader)}?notice=saved`)
    assert.deepEqual(await tagNamesOf(reader), ['VIP', 'Workshops'])
    await reader.refresh()
    assert.isNull(reader.unsubscribedAt)

    const page = await client.get(`${linkOf(reader)}?notice=saved`)
    page.assertTextIncludes('Your preferences are saved.')
    assert.match(page.text(), new RegExp(`value="${workshops.id}"[^>]*checked`))
  })

  test('no box ticked takes every topic off, and nothing else', async ({ client, assert }) => {
    const { reader } = await workspaceWithTopics()

    const response = await client
      .post(`${linkOf(reader)}/topics`)
      .form({})
      .redirects(0)

    response.assertStatus(303)
    assert.deepEqual(await tagNamesOf(reader), ['VIP'])
  })

  test('ids of plain tags and of another workspace’s topics are ignored', async ({
    client,
    assert,
  }) => {
    const { reader, bread, vip } = await workspaceWithTopics()
    const { tenant: other } = await createUser()
    const foreignTopic = await createTopic(other, 'Foreign news')
    const otherVip = await createTag(other, 'Other VIP')

    const response = await client
      .post(`${linkOf(reader)}/topics`)
      .form({ 'topics[]': [bread.id, foreignTopic.id, otherVip.id] })
      .redirects(0)
    response.assertStatus(303)
    assert.deepEqual(await tagNamesOf(reader), ['Bread news', 'VIP'])

    // Leaving the plain tag out of the choice does not take it off either.
    await client.post(`${linkOf(reader)}/topics`).form({ 'topics[]': [vip.id] })
    assert.deepEqual(await tagNamesOf(reader), ['VIP'])
  })

  test('a choice that is not a list of ids answers 422 and changes nothing', async ({
    client,
    assert,
  }) => {
    const { reader } = await workspaceWithTopics()

    for (const topics of [['abc'], [-1], [99_999_999_999], 'x']) {
      const response = await client.post(`${linkOf(reader)}/topics`).form({ 'topics[]': topics })
      response.assertStatus(422)
      response.assertTextIncludes('Your choice could not be read')
    }
    const nested = await client.post(`${linkOf(reader)}/topics`).form({ 'topics[a][b]': '5' })
    nested.assertStatus(422)
    assert.deepEqual(await tagNamesOf(reader), ['Bread news', 'VIP'])
  })

  test('a workspace with many topics: ticking more than 20 saves them all', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const topics = []
    for (let index = 0; index < 30; index++) {
      topics.push(await createTopic(tenant, `Topic ${String(index).padStart(2, '0')}`))
    }
    const reader = await createReader(tenant)

    const response = await client
      .post(`${linkOf(reader)}/topics`)
      .form({ 'topics[]': topics.map((topic) => topic.id) })
      .redirects(0)

    response.assertStatus(303)
    assert.lengthOf(await tagNamesOf(reader), 30)
    // A lone value without the brackets counts as a choice of one.
    await client.post(`${linkOf(reader)}/topics`).form({ topics: topics[3].id })
    assert.deepEqual(await tagNamesOf(reader), ['Topic 03'])
  })

  test('an unsubscribed client who saves topics stays unsubscribed', async ({ client, assert }) => {
    const { reader, workshops } = await workspaceWithTopics()
    await client.post(linkOf(reader)).form({})

    await client.post(`${linkOf(reader)}/topics`).form({ 'topics[]': [workshops.id] })

    await reader.refresh()
    assert.isNotNull(reader.unsubscribedAt)
    assert.deepEqual(await tagNamesOf(reader), ['VIP', 'Workshops'])
  })

  test('saves are limited per link and per network, and a refused save changes nothing', async ({
    client,
    assert,
    cleanup,
  }) => {
    const limits = preferencesConfig.rateLimit
    const saved = { ...limits }
    cleanup(() => {
      Object.assign(limits, saved)
    })
    limits.perToken = 2

    const { tenant, reader, bread, workshops } = await workspaceWithTopics()
    const neighbour = await createReader(tenant)
    for (const topics of [[workshops.id], [bread.id]]) {
      const allowed = await client
        .post(`${linkOf(reader)}/topics`)
        .form({ 'topics[]': topics })
        .redirects(0)
      allowed.assertStatus(303)
    }

    const refused = await client.post(`${linkOf(reader)}/topics`).form({ 'topics[]': [] })
    refused.assertStatus(429)
    assert.isAbove(Number(refused.header('retry-after')), 0)
    refused.assertTextIncludes('Too many changes')
    assert.deepEqual(await tagNamesOf(reader), ['Bread news', 'VIP'])
    const resubscribe = await client.post(`${linkOf(reader)}/resubscribe`).form({})
    resubscribe.assertStatus(429)

    // Another client's link has its own allowance.
    const other = await client
      .post(`${linkOf(neighbour)}/topics`)
      .form({ 'topics[]': [] })
      .redirects(0)
    other.assertStatus(303)

    // One network cycling through links it collected meets its own limit.
    Object.assign(limits, { perToken: 100, perIp: 1 })
    const first = await client
      .post(`${linkOf(reader)}/topics`)
      .form({})
      .redirects(0)
    first.assertStatus(303)
    const next = await client.post(`${linkOf(neighbour)}/topics`).form({})
    next.assertStatus(429)
  })
})

test.group('Preferences: unsubscribe and resubscribe', () => {
  test('unsubscribe from everything keeps the one-click POST’s answer, and the topics for later', async ({
    client,
    assert,
  }) => {
    const { reader } = await workspaceWithTopics()

    // The page's button posts no field at all.
    const response = await client.post(linkOf(reader)).form({})

    response.assertStatus(200)
    response.assertTextIncludes('You are unsubscribed')
    response.assertTextIncludes('Boulangerie Rive</strong> will not send mailings to')
    await reader.refresh()
    assert.isNotNull(reader.unsubscribedAt)
    assert.deepEqual(await tagNamesOf(reader), ['Bread news', 'VIP'])

    const page = await client.get(linkOf(reader))
    page.assertTextIncludes('You are already unsubscribed')
    page.assertTextIncludes('Resubscribe')
    assert.notInclude(page.text(), 'Save preferences')
  })

  test('a client who unsubscribed resubscribes: mailable again, consent recorded', async ({
    client,
    assert,
  }) => {
    const { tenant, reader } = await workspaceWithTopics()
    await client.post(linkOf(reader)).form({ 'List-Unsubscribe': 'One-Click' })

    const response = await client
      .post(`${linkOf(reader)}/resubscribe`)
      .header('user-agent', 'Test browser')
      .form({})
      .redirects(0)

    response.assertStatus(303)
    assert.equal(response.header('location'), `${linkOf(reader)}?notice=resubscribed`)
    await reader.refresh()
    assert.isNull(reader.unsubscribedAt)
    assert.isNull(
      await Suppression.query().where({ tenantId: tenant.id, email: reader.email }).first()
    )
    const consent = await Consent.query().where('client_id', reader.id).firstOrFail()
    assert.equal(
      consent.consentText,
      'I want to receive mailings from Boulangerie Rive at this address again.'
    )
    assert.equal(consent.email, reader.email)
    assert.equal(consent.userAgent, 'Test browser')
    assert.isNotNull(consent.confirmedAt)
    assert.isNull(consent.signupFormId)

    const page = await client.get(`${linkOf(reader)}?notice=resubscribed`)
    page.assertTextIncludes('Welcome back')
    page.assertTextIncludes('Save preferences')
    // Again: nothing to do, nothing recorded twice.
    await client.post(`${linkOf(reader)}/resubscribe`).form({})
    assert.lengthOf(await Consent.query().where('client_id', reader.id), 1)
  })

  test('an address suppressed as unsubscribed without a date of its own (deleted, imported again) may come back', async ({
    client,
    assert,
  }) => {
    const { tenant } = await createUser()
    const reader = await createReader(tenant)
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: reader.email,
      reason: 'unsubscribed',
      source: 'unsubscribe',
    })

    const page = await client.get(linkOf(reader))
    page.assertTextIncludes('You are already unsubscribed')
    page.assertTextIncludes('Resubscribe')

    const response = await client
      .post(`${linkOf(reader)}/resubscribe`)
      .form({})
      .redirects(0)
    response.assertStatus(303)
    assert.isNull(
      await Suppression.query().where({ tenantId: tenant.id, email: reader.email }).first()
    )
  })

  for (const reason of ['hard_bounce', 'complaint', 'manual'] as SuppressionReason[]) {
    test(`an unsubscribed client whose address is suppressed for ${reason} cannot resubscribe`, async ({
      client,
      assert,
    }) => {
      const { tenant, reader } = await workspaceWithTopics()
      await client.post(linkOf(reader)).form({})
      await SuppressAddress.handle({
        tenantId: tenant.id,
        email: reader.email,
        reason,
        source: 'test',
      })

      const page = await client.get(linkOf(reader))
      page.assertTextIncludes('You are already unsubscribed')
      page.assertTextIncludes('ask <strong>Boulangerie Rive</strong> directly')
      assert.notInclude(page.text(), '/resubscribe')

      const response = await client.post(`${linkOf(reader)}/resubscribe`).form({})
      response.assertStatus(409)
      response.assertTextIncludes('cannot be resubscribed from here')
      await reader.refresh()
      assert.isNotNull(reader.unsubscribedAt)
      const entry = await Suppression.query()
        .where({ tenantId: tenant.id, email: reader.email })
        .firstOrFail()
      assert.equal(entry.reason, reason)
      assert.lengthOf(await Consent.query().where('client_id', reader.id), 0)
    })
  }

  test('a subscribed client whose address bounced still chooses topics, and is told mail is stopped', async ({
    client,
  }) => {
    const { tenant, reader } = await workspaceWithTopics()
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: reader.email,
      reason: 'hard_bounce',
      source: 'test',
    })

    const page = await client.get(linkOf(reader))
    page.assertTextIncludes('Save preferences')
    page.assertTextIncludes('is not sending mail to this address at the moment')
  })
})

test.group('Preferences: links that do not work', () => {
  test('forged, garbled and crossed tokens answer 404 on every route and change nothing', async ({
    client,
    assert,
  }) => {
    const { reader, workshops } = await workspaceWithTopics()
    const { tenant: other } = await createUser()
    const token = unsubscribeToken(reader)
    const forged = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21)
    const crossed = unsubscribeToken({ tenantId: other.id, id: reader.id })

    for (const bad of [forged, token.slice(0, 30), 'not-a-token', crossed]) {
      const page = await client.get(`/u/${bad}`)
      page.assertStatus(404)
      page.assertTextIncludes('This link does not work')
      for (const action of ['topics', 'resubscribe']) {
        const response = await client
          .post(`/u/${bad}/${action}`)
          .form({ 'topics[]': [workshops.id] })
        response.assertStatus(404)
        response.assertTextIncludes('This link does not work')
      }
    }
    assert.deepEqual(await tagNamesOf(reader), ['Bread news', 'VIP'])
  })

  test('the example link of previews explains itself on every route', async ({ client }) => {
    for (const path of ['/u/example', '/u/example/topics', '/u/example/resubscribe']) {
      const response = await client.request(path, path === '/u/example' ? 'GET' : 'POST').form({})
      response.assertStatus(200)
      response.assertTextIncludes('This is an example link')
    }
  })
})

test.group('Preferences: webhooks', () => {
  test('topics, unsubscribe and resubscribe reach a receiver as client.updated and client.unsubscribed', async ({
    client,
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { tenant, reader, workshops } = await workspaceWithTopics()
    const endpoint = await createEndpoint(tenant, receiver.url(), [
      'client.updated',
      'client.unsubscribed',
    ])

    await client.post(`${linkOf(reader)}/topics`).form({ 'topics[]': [workshops.id] })
    // Saving the same choice again changes nothing and says nothing.
    await client.post(`${linkOf(reader)}/topics`).form({ 'topics[]': [workshops.id] })
    await client.post(linkOf(reader)).form({})
    await client.post(`${linkOf(reader)}/resubscribe`).form({})

    // Recorded while each request was served: the repeated save recorded nothing.
    const recorded = await WebhookMessage.query().where('tenant_id', tenant.id)
    assert.sameMembers(
      recorded.map((message) => message.type),
      ['client.updated', 'client.unsubscribed', 'client.updated']
    )

    await waitUntil('three webhooks', async () => receiver.received.length >= 3)
    const events = receiver.verified(endpoint.secret)
    const topics = events.find((event) => event.data.changes?.tags)!
    assert.equal(topics.type, 'client.updated')
    assert.deepInclude(topics.data, {
      client_id: reader.id,
      email: reader.email,
      state: 'subscribed',
      tags: ['VIP', 'Workshops'],
      changes: { tags: { added: ['Workshops'], removed: ['Bread news'] } },
      source: 'preference_page',
    })
    assert.isString(topics.data.updated_at)

    const unsubscribed = events.find((event) => event.type === 'client.unsubscribed')!
    assert.deepInclude(unsubscribed.data, { client_id: reader.id, email: reader.email })

    const back = events.find((event) => event.data.changes?.state)!
    assert.equal(back.type, 'client.updated')
    assert.deepInclude(back.data, {
      client_id: reader.id,
      state: 'subscribed',
      tags: ['VIP', 'Workshops'],
      changes: { state: { from: 'unsubscribed', to: 'subscribed' } },
      source: 'preference_page',
    })
  }).timeout(60_000)
})

test.group('Preferences: without Redis', () => {
  test('the page and its forms work on the database alone while Redis is down', async ({
    assert,
    cleanup,
  }) => {
    const { redis: privateRedis, server } = await webServerOnPrivateRedis(cleanup)
    const { reader, workshops } = await workspaceWithTopics()
    await privateRedis.stop()

    const page = await fetch(server.url(linkOf(reader)))
    assert.equal(page.status, 200, server.output)
    assert.isNull(page.headers.get('set-cookie'))
    assert.include(await page.text(), 'Save preferences')

    const body = new URLSearchParams([['topics[]', String(workshops.id)]])
    const saved = await fetch(server.url(`${linkOf(reader)}/topics`), {
      method: 'POST',
      body,
      redirect: 'manual',
    })
    assert.equal(saved.status, 303, server.output)
    assert.isNull(saved.headers.get('set-cookie'))
    assert.deepEqual(await tagNamesOf(reader), ['VIP', 'Workshops'])

    const everything = await fetch(server.url(linkOf(reader)), {
      method: 'POST',
      body: new URLSearchParams(),
    })
    assert.equal(everything.status, 200, server.output)
    const back = await fetch(server.url(`${linkOf(reader)}/resubscribe`), {
      method: 'POST',
      body: new URLSearchParams(),
      redirect: 'manual',
    })
    assert.equal(back.status, 303, server.output)
    await reader.refresh()
    assert.isNull(reader.unsubscribedAt)
  }).timeout(60_000)
})

test.group('Preferences: Redis refusing commands', () => {
  test('a save goes uncounted when Redis answers errors while connected', async ({
    assert,
    cleanup,
  }) => {
    const { redis: privateRedis, server } = await webServerOnPrivateRedis(cleanup)
    const { reader, workshops } = await workspaceWithTopics()
    // Connected, but every write is refused (out of memory): the limiter's
    // commands fail while the connection says it is ready.
    await privateRedis.client().config('SET', 'maxmemory', '1')

    const body = new URLSearchParams([['topics[]', String(workshops.id)]])
    const saved = await fetch(server.url(`${linkOf(reader)}/topics`), {
      method: 'POST',
      body,
      redirect: 'manual',
    })
    assert.equal(saved.status, 303, server.output)
    assert.deepEqual(await tagNamesOf(reader), ['VIP', 'Workshops'])
  }).timeout(60_000)
})
