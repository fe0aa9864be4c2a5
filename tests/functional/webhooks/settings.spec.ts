import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import WebhookEndpoint, { WEBHOOK_EVENT_TYPES } from '#models/webhook_endpoint'
import RecordWebhookEvent from '#actions/webhooks/record_webhook_event'
import { createUser } from '#tests/helpers/users'
import { deleteForm, postForm, putForm, submitForm } from '#tests/helpers/forms'

const ALL_EVENTS = ['mailing.run.completed', 'message.failed']

async function endpointOf(tenantId: number, url = 'https://hooks.example.com/mailings') {
  return WebhookEndpoint.create({
    tenantId,
    url,
    events: ['client.unsubscribed'],
    enabled: true,
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
}

test.group('Webhooks settings: endpoints', () => {
  test('adding an endpoint stores it with a whsec_ secret, encrypted, shown on its page', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()

    const response = await postForm(client, '/settings/webhooks', {
      url: 'https://hooks.example.com/in',
      events: ALL_EVENTS,
      enabled: '1',
    }).loginAs(user)

    response.assertStatus(302)
    const endpoint = await WebhookEndpoint.query().where('tenant_id', tenant.id).firstOrFail()
    assert.match(
      response.header('location') ?? '',
      new RegExp(`/settings/webhooks/${endpoint.id}$`)
    )
    assert.deepEqual(endpoint.events, ALL_EVENTS)
    assert.isTrue(endpoint.enabled)
    assert.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]{32}$/)
    const stored = await db.from('webhook_endpoints').where('id', endpoint.id).first()
    assert.notInclude(stored.secret, endpoint.secret.slice(6))

    const page = await client.get(`/settings/webhooks/${endpoint.id}`).loginAs(user)
    page.assertStatus(200)
    page.assertTextIncludes(endpoint.secret)
    page.assertTextIncludes('No deliveries yet')
  })

  test('refuses {$self} beside the field')
    .with([
      'ftp://hooks.example.com/in',
      'not a url',
      'http://127.0.0.1:8080/hooks',
      'http://10.0.0.1/hooks',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:8080/',
      'http://[fd00:ec2::254]/',
      // IPv4 inside IPv6: IPv4-compatible, NAT64 (and its local-use prefix), 6to4
      'http://[::127.0.0.1]:8080/',
      'http://[::a9fe:a9fe]/latest/meta-data/',
      'http://[64:ff9b::a9fe:a9fe]/',
      'http://[64:ff9b:1::a00:1]/',
      'http://[2002:a9fe:a9fe::1]/',
      'http://localhost:3000/',
      'https://user:pass@hooks.example.com/',
    ])
    .run(async ({ client, assert }, url) => {
      const { user, tenant } = await createUser()

      const response = await postForm(client, '/settings/webhooks', {
        url,
        events: ALL_EVENTS,
      }).loginAs(user)

      response.assertStatus(302)
      const errors = response.flashMessages().inputErrorsBag as Record<string, string[]>
      assert.lengthOf(errors.url, 1, JSON.stringify(errors))
      assert.equal(
        await WebhookEndpoint.query()
          .where('tenant_id', tenant.id)
          .count('* as n')
          .then((r) => Number(r[0].$extras.n)),
        0
      )
    })

  test('the form offers every event, and the edit form shows the endpoint’s', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const endpoint = await endpointOf(tenant.id)

    const blank = await client.get('/settings/webhooks/create').loginAs(user)
    blank.assertStatus(200)
    for (const type of WEBHOOK_EVENT_TYPES) {
      blank.assertTextIncludes(`name="events[]" value="${type}" id="event-${type}" checked`)
    }

    const edit = await client.get(`/settings/webhooks/${endpoint.id}/edit`).loginAs(user)
    edit.assertStatus(200)
    edit.assertTextIncludes(`value="${endpoint.url}"`)
    edit.assertTextIncludes('value="client.unsubscribed" id="event-client.unsubscribed" checked')
    assert.notInclude(edit.text(), 'value="message.sent" id="event-message.sent" checked')
  })

  test('an endpoint needs at least one event', async ({ client }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/settings/webhooks', {
      url: 'https://hooks.example.com/in',
    }).loginAs(user)
    response.assertFlashMessage('inputErrorsBag', { events: ['Choose at least one event'] })
  })

  test('editing disables it; enabling again clears the reason it was disabled', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const endpoint = await endpointOf(tenant.id)

    const disabling = await putForm(client, `/settings/webhooks/${endpoint.id}`, {
      url: endpoint.url,
      events: ['message.sent'],
    }).loginAs(user)
    disabling.assertStatus(302)
    await endpoint.refresh()
    assert.isFalse(endpoint.enabled)
    assert.deepEqual(endpoint.events, ['message.sent'])

    endpoint.disabledReason = 'The endpoint answered 410 Gone'
    await endpoint.save()
    await putForm(client, `/settings/webhooks/${endpoint.id}`, {
      url: endpoint.url,
      events: ['message.sent'],
      enabled: '1',
    }).loginAs(user)
    await endpoint.refresh()
    assert.isTrue(endpoint.enabled)
    assert.isNull(endpoint.disabledReason)
  })

  test('rotating the secret makes a new one', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const endpoint = await endpointOf(tenant.id)
    const old = endpoint.secret

    await postForm(client, `/settings/webhooks/${endpoint.id}/rotate-secret`).loginAs(user)

    await endpoint.refresh()
    assert.notEqual(endpoint.secret, old)
    assert.match(endpoint.secret, /^whsec_/)
    const page = await client.get(`/settings/webhooks/${endpoint.id}`).loginAs(user)
    page.assertTextIncludes(endpoint.secret)
  })

  test('deleting an endpoint removes it and its deliveries', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const endpoint = await endpointOf(tenant.id)
    endpoint.enabled = false // keep the worker away from it
    await endpoint.save()
    await RecordWebhookEvent.handle({
      tenantId: tenant.id,
      type: 'client.unsubscribed',
      data: {},
      endpointIds: [endpoint.id],
    })

    await deleteForm(client, `/settings/webhooks/${endpoint.id}`).loginAs(user)

    assert.isNull(await WebhookEndpoint.find(endpoint.id))
    const left = await db.from('webhook_deliveries').where('endpoint_id', endpoint.id)
    assert.lengthOf(left, 0)
  })

  test('an endpoint’s deliveries page 25 at a time, older ones through ?before=', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const endpoint = await endpointOf(tenant.id)
    endpoint.enabled = false // keep the worker away from it
    await endpoint.save()
    for (let i = 0; i < 26; i++) {
      await RecordWebhookEvent.handle({
        tenantId: tenant.id,
        type: 'client.unsubscribed',
        data: {},
        endpointIds: [endpoint.id],
      })
    }
    const rows = await db
      .from('webhook_deliveries')
      .where('endpoint_id', endpoint.id)
      .orderBy('id', 'desc')
    const ids = rows.map((row) => Number(row.id))

    const first = await client.get(`/settings/webhooks/${endpoint.id}`).loginAs(user)
    const older = `/settings/webhooks/${endpoint.id}?before=${ids[24]}`
    assert.include(first.text(), `href="${older}"`)
    assert.notInclude(first.text(), '« First page')

    const second = await client.get(older).loginAs(user)
    second.assertStatus(200)
    assert.include(second.text(), `href="/settings/webhooks/${endpoint.id}">« First page`)
    assert.notInclude(second.text(), 'rel="next"')
  })

  test('the list shows the workspace’s endpoints only', async ({ client, assert }) => {
    const [alice, bob] = [await createUser(), await createUser()]
    await endpointOf(alice.tenant.id, 'https://alice.example.com/hooks')
    await endpointOf(bob.tenant.id, 'https://bob.example.com/hooks')

    const response = await client.get('/settings/webhooks').loginAs(alice.user)
    response.assertStatus(200)
    response.assertTextIncludes('https://alice.example.com/hooks')
    assert.notInclude(response.text(), 'https://bob.example.com/hooks')
  })
})

test.group('Webhooks settings: another workspace', () => {
  test('{method} {path} answers 404')
    .with([
      { method: 'get', path: '/settings/webhooks/:id' },
      { method: 'get', path: '/settings/webhooks/:id/edit' },
      { method: 'put', path: '/settings/webhooks/:id' },
      { method: 'delete', path: '/settings/webhooks/:id' },
      { method: 'post', path: '/settings/webhooks/:id/rotate-secret' },
      { method: 'post', path: '/settings/webhooks/:id/test' },
      { method: 'post', path: '/settings/webhooks/:id/deliveries/:delivery/redeliver' },
    ] as const)
    .run(async ({ client, assert }, { method, path }) => {
      const alice = await createUser()
      const bob = await createUser()
      const endpoint = await endpointOf(alice.tenant.id)
      endpoint.enabled = false
      await endpoint.save()
      const message = await RecordWebhookEvent.handle({
        tenantId: alice.tenant.id,
        type: 'client.unsubscribed',
        data: {},
        endpointIds: [endpoint.id],
      })
      const delivery = await db.from('webhook_deliveries').where('message_id', message!.id).first()

      const url = path.replace(':id', String(endpoint.id)).replace(':delivery', String(delivery.id))
      const response = await submitForm(client, method, url, {
        url: 'https://evil.example.com',
        events: ALL_EVENTS,
      }).loginAs(bob.user)

      response.assertStatus(404)
      await endpoint.refresh()
      assert.equal(endpoint.url, 'https://hooks.example.com/mailings')
    })
})
