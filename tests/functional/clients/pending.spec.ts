import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import emitter from '@adonisjs/core/services/emitter'
import Client from '#models/client'
import type Tenant from '#models/tenant'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { createUser } from '#tests/helpers/users'
import { postForm, putForm } from '#tests/helpers/forms'
import { api, createToken } from '#tests/helpers/api'
import { reportFigures, removeUploads, writeUpload } from '#tests/functional/clients/helpers'
import { defineAttributes, tagClients } from '#tests/helpers/client_audience'
import { tagsOfClients } from '#audiences/client_tags'
import db from '@adonisjs/lucid/services/db'
import { waitUntil } from '#tests/helpers/wait'
import { startReceiver } from '#tests/functional/webhooks/receiver'
import { createEndpoint } from '#tests/functional/webhooks/helpers'

/**
 * A client as a stranger's sign-up through a form leaves it: pending, with
 * what the visitor typed, until someone confirms from the mail.
 */
async function pendingClient(tenant: Tenant, email = 'bob@customer.com') {
  return tenant.related('clients').create({
    email,
    fullName: 'Typed by a stranger',
    pendingAt: DateTime.utc().minus({ days: 2 }),
  })
}

test.group('Clients: a write by the business subscribes a pending client', (group) => {
  group.teardown(removeUploads)

  test('a CSV import naming the address subscribes it, even with nothing else to change', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const pending = await pendingClient(tenant)
    const path = await writeUpload('pending.csv', 'email\nbob@customer.com\n')

    const response = await postForm(client, '/clients/import')
      .file('file', path)
      .header('referer', '/clients/import')
      .loginAs(user)

    response.assertStatus(200)
    assert.deepEqual(reportFigures(response.text()), {
      created: 0,
      updated: 1,
      skipped: 0,
      invalid: 0,
    })
    await pending.refresh()
    assert.equal(pending.state, 'subscribed')
    assert.equal(pending.fullName, 'Typed by a stranger')
  })

  test('the API bulk upsert subscribes it ("updated"); unsubscribed and suppressed stay so', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const pending = await pendingClient(tenant)
    const gone = await tenant.related('clients').create({
      email: 'gone@customer.com',
      unsubscribedAt: DateTime.utc(),
    })
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: 'bob@customer.com',
      reason: 'manual',
      source: 'manual',
    })
    const calls = api(client, await createToken(user))

    const response = await calls.post('/clients/bulk', {
      clients: [{ email: 'bob@customer.com' }, { email: 'gone@customer.com' }],
    })

    response.assertStatus(200)
    assert.deepEqual(
      response.body().data.map((item: { status: string; id: number }) => [item.status, item.id]),
      [
        ['updated', pending.id],
        ['unchanged', gone.id],
      ]
    )
    await pending.refresh()
    await gone.refresh()
    assert.equal(pending.state, 'subscribed')
    assert.equal(gone.state, 'unsubscribed')
    // Vouching for consent lifts no suppression.
    const suppressed = await calls.get(`/suppressions?email=bob%40customer.com`)
    assert.lengthOf(suppressed.body().data, 1)
  })

  test('the API create of a pending address takes that client over and subscribes it', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await defineAttributes(tenant)
    const pending = await pendingClient(tenant)
    await pending.merge({ attributes: { company: 'Typed Co' } }).save()
    await tagClients(tenant, ['From form'], [pending.id])
    const calls = api(client, await createToken(user))

    const created = await calls.post('/clients', {
      email: 'Bob@Customer.com',
      comment: 'Ordered twice',
      add_tags: ['vip'],
      attributes: { plan: 'pro' },
    })

    created.assertStatus(201)
    assert.include(created.body(), {
      id: pending.id,
      email: 'bob@customer.com',
      full_name: 'Typed by a stranger',
      comment: 'Ordered twice',
      state: 'subscribed',
    })
    await pending.refresh()
    assert.equal(pending.state, 'subscribed')
    assert.deepEqual(pending.attributes, { company: 'Typed Co', plan: 'Pro' })
    const tags = await tagsOfClients([pending.id])
    assert.sameMembers(
      tags.get(pending.id)!.map((tag) => tag.name),
      ['From form', 'vip']
    )
    assert.lengthOf(await Client.query().where('tenant_id', tenant.id), 1)
  })

  test('adding the address in the web form subscribes the pending client', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const pending = await pendingClient(tenant)

    const response = await postForm(client, '/clients', {
      email: 'bob@customer.com',
      fullName: 'Bob',
    }).loginAs(user)

    assert.equal(response.header('location'), '/clients')
    await pending.refresh()
    assert.equal(pending.state, 'subscribed')
    assert.equal(pending.fullName, 'Bob')
  })

  test('another client cannot be renamed to a pending address', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const pending = await pendingClient(tenant)
    const other = await tenant.related('clients').create({ email: 'other@customer.com' })

    const response = await putForm(client, `/clients/${other.id}`, {
      email: pending.email,
    }).loginAs(user)

    response.assertFlashMessage('inputErrorsBag', {
      email: ['A client with this email already exists in your workspace'],
    })
    await pending.refresh()
    assert.equal(pending.state, 'pending')
  })

  test('the list and the edit page say pending; saving the edit form subscribes', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const pending = await pendingClient(tenant)

    const list = await client.get('/clients').loginAs(user)
    list.assertStatus(200)
    assert.match(list.text(), /data-testid="client-state"[^>]*>Pending</)

    const edit = await client.get(`/clients/${pending.id}/edit`).loginAs(user)
    edit.assertStatus(200)
    assert.match(
      edit.text(),
      /Awaiting sign-up confirmation since \d+ \w+ \d{4}, \d\d:\d\d;\s*saving this form marks them subscribed\./
    )

    const saved = await putForm(client, `/clients/${pending.id}`, {
      email: pending.email,
      fullName: 'Bob',
    }).loginAs(user)
    assert.equal(saved.header('location'), '/clients')
    await pending.refresh()
    assert.equal(pending.state, 'subscribed')

    const after = await client.get(`/clients/${pending.id}/edit`).loginAs(user)
    assert.notInclude(after.text(), 'Awaiting sign-up confirmation')
  })
})

test.group('Clients: taking over a pending address announces client.subscribed', (group) => {
  group.teardown(removeUploads)

  test('once per client, from the web form, the edit form, the API and a CSV import', async ({
    client,
    assert,
    cleanup,
  }) => {
    const receiver = await startReceiver(cleanup)
    const { user, tenant } = await createUser()
    const endpoint = await createEndpoint(tenant, receiver.url(), ['client.subscribed'])
    const created = await pendingClient(tenant, 'created@customer.com')
    const edited = await pendingClient(tenant, 'edited@customer.com')
    const upserted = await pendingClient(tenant, 'upserted@customer.com')
    const imported = await pendingClient(tenant, 'imported@customer.com')
    await tagClients(tenant, ['From form'], [upserted.id])
    // Already subscribed: saving it announces nothing.
    const member = await tenant.related('clients').create({ email: 'member@customer.com' })
    const calls = api(client, await createToken(user))

    await postForm(client, '/clients', { email: created.email, fullName: 'Cy' }).loginAs(user)
    await putForm(client, `/clients/${edited.id}`, { email: edited.email }).loginAs(user)
    // Saved again: no longer pending, nothing more to announce.
    await putForm(client, `/clients/${edited.id}`, { email: edited.email }).loginAs(user)
    await putForm(client, `/clients/${member.id}`, { email: member.email }).loginAs(user)
    const bulk = await calls.post('/clients/bulk', {
      clients: [{ email: upserted.email }, { email: member.email }, { email: 'new@customer.com' }],
    })
    bulk.assertStatus(200)
    // Named again: nothing more.
    await calls.post('/clients/bulk', { clients: [{ email: upserted.email }] })
    const path = await writeUpload('takeover.csv', `email\n${imported.email}\n`)
    const upload = await postForm(client, '/clients/import')
      .file('file', path)
      .header('referer', '/clients/import')
      .loginAs(user)
    upload.assertStatus(200)

    await waitUntil('four client.subscribed webhooks', async () => receiver.received.length >= 4)
    const messages = await db
      .from('webhook_messages')
      .where({ tenant_id: tenant.id, type: 'client.subscribed' })
    assert.lengthOf(messages, 4)
    const events = receiver.verified(endpoint.secret)
    assert.sameMembers(
      events.map((event) => event.data.email),
      [created.email, edited.email, upserted.email, imported.email]
    )
    for (const event of events) {
      assert.equal(event.type, 'client.subscribed')
      assert.equal(event.data.source, 'workspace')
      assert.isNull(event.data.signup_form_id)
      assert.isNull(event.data.consent_id)
    }
    const fromApi = events.find((event) => event.data.email === upserted.email)!
    await upserted.refresh()
    assert.equal(upserted.state, 'subscribed')
    assert.deepInclude(fromApi.data, {
      client_id: upserted.id,
      full_name: 'Typed by a stranger',
      attributes: {},
      tags: ['From form'],
    })
    assert.match(fromApi.data.subscribed_at, /^\d{4}-\d\d-\d\dT/)
  }).timeout(30_000)
})

test.group('Clients: a takeover committed is answered as such', () => {
  test('a failure announcing it after the commit is logged, the API still answers 201', async ({
    client,
    assert,
    cleanup,
  }) => {
    const { user, tenant } = await createUser()
    const pending = await pendingClient(tenant)
    const failing = () => {
      throw new Error('The announcement failed')
    }
    emitter.on('client:subscribed', failing)
    cleanup(() => emitter.off('client:subscribed', failing))

    const created = await api(client, await createToken(user)).post('/clients', {
      email: pending.email,
    })

    created.assertStatus(201)
    await pending.refresh()
    assert.equal(pending.state, 'subscribed')
  })
})

test.group('Clients: pending ones are counted apart', () => {
  test('the mailing form counts only the clients a run mails; the dashboard shows the pending apart', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const pending = await pendingClient(tenant)
    await tenant.related('clients').create({ email: 'ann@customer.com', fullName: 'Ann' })

    const form = await client.get('/mailings/create').loginAs(user)
    form.assertStatus(200)
    assert.include(form.text(), 'All clients of the workspace (1 today;')

    const dashboard = await client.get('/dashboard').loginAs(user)
    assert.match(dashboard.text(), /Clients<\/div>\s*<div[^>]*>2<\/div>/)
    assert.match(dashboard.text(), /data-testid="pending-clients">1 awaiting confirmation</)

    // Subscribing the pending client forgets the cached count.
    await putForm(client, `/clients/${pending.id}`, { email: pending.email }).loginAs(user)
    const after = await client.get('/mailings/create').loginAs(user)
    assert.include(after.text(), 'All clients of the workspace (2 today;')
  })
})
