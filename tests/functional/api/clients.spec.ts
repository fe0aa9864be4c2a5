import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Client from '#models/client'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { createUser } from '#tests/helpers/users'
import { createClients } from '#tests/helpers/workspace'
import { api, createToken, statusOf } from '#tests/helpers/api'

test.group('API: clients', () => {
  test('creates, reads, updates and deletes a client', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))

    const created = await calls.post('/clients', {
      email: ' Ada@Example.com ',
      full_name: 'Ada Lovelace',
      comment: 'VIP',
    })
    created.assertStatus(201)
    const id = created.body().id
    assert.equal(created.header('location'), `/api/v1/clients/${id}`)
    assert.include(created.body(), {
      email: 'ada@example.com',
      full_name: 'Ada Lovelace',
      comment: 'VIP',
      unsubscribed_at: null,
      suppressed: false,
    })

    const read = await calls.get(`/clients/${id}`)
    read.assertStatus(200)
    const { suppressed, ...createdClient } = created.body()
    assert.deepEqual(read.body(), createdClient)

    const updated = await calls.put(`/clients/${id}`, { email: 'ada@example.org' })
    updated.assertStatus(200)
    assert.include(updated.body(), { email: 'ada@example.org', full_name: '', comment: null })

    const deleted = await calls.delete(`/clients/${id}`)
    deleted.assertStatus(204)
    assert.isNull(await tenant.related('clients').query().where('id', id).first())
    assert.equal(await statusOf(calls.get(`/clients/${id}`)), 404)
  })

  test('a client created with a suppressed address is saved, and the answer says it is not mailed', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: 'bounced@example.com',
      reason: 'hard_bounce',
      source: 'smtp',
    })
    const calls = api(client, await createToken(user))

    const created = await calls.post('/clients', { email: 'Bounced@example.com' })
    created.assertStatus(201)
    assert.include(created.body(), { email: 'bounced@example.com', suppressed: true })
  })

  test('validation errors list every failing field in snake_case', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    await tenant.related('clients').create({ email: 'taken@example.com', fullName: '' })
    const calls = api(client, await createToken(user))

    const response = await calls.post('/clients', {
      email: 'not an email',
      full_name: 'x'.repeat(201),
    })
    response.assertStatus(422)
    assert.match(response.header('content-type') ?? '', /^application\/problem\+json/)
    assert.deepEqual(
      response
        .body()
        .errors.map((error: { field: string; rule: string }) => [error.field, error.rule]),
      [
        ['email', 'email'],
        ['full_name', 'maxLength'],
      ]
    )

    const duplicate = await calls.post('/clients', { email: 'TAKEN@example.com' })
    duplicate.assertStatus(422)
    assert.equal(duplicate.body().errors[0].rule, 'client.email.unique')
  })

  test('lists newest first with search and cursor pagination', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const clients = await createClients(tenant, 7)
    const calls = api(client, await createToken(user))

    const seen: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3'
      const page = await calls.get(`/clients${query}`)
      page.assertStatus(200)
      seen.push(...page.body().data.map((item: { id: number }) => item.id))
      cursor = page.body().next_cursor
      pages += 1
    } while (cursor)

    assert.equal(pages, 3)
    assert.deepEqual(
      seen,
      clients.map((c) => c.id).sort((a, b) => b - a)
    )

    const searched = await calls.get(`/clients?q=${encodeURIComponent(clients[4].email)}`)
    assert.deepEqual(
      searched.body().data.map((item: { id: number }) => item.id),
      [clients[4].id]
    )
    assert.isNull(searched.body().next_cursor)
  })

  test('limit must be 1 to 100', async ({ client, assert }) => {
    const { user } = await createUser()
    const calls = api(client, await createToken(user))

    for (const limit of ['0', '101', 'ten']) {
      const response = await calls.get(`/clients?limit=${limit}`)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, 'limit')
    }
    assert.equal(await statusOf(calls.get('/clients?limit=100')), 200)
  })

  test('a cursor the API did not hand out answers 422 naming the field', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const calls = api(client, await createToken(user))

    for (const cursor of ['not-a-cursor', Buffer.from('plain text').toString('base64url')]) {
      const response = await calls.get(`/clients?cursor=${cursor}`)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, 'cursor')
    }
  })

  test('another workspace’s clients answer 404 and are left alone', async ({ client, assert }) => {
    const { user } = await createUser()
    const other = await createUser()
    const [theirs] = await createClients(other.tenant, 1)
    const calls = api(client, await createToken(user))

    assert.equal(await statusOf(calls.get(`/clients/${theirs.id}`)), 404)
    assert.equal(
      await statusOf(calls.put(`/clients/${theirs.id}`, { email: 'x@example.com' })),
      404
    )
    assert.equal(await statusOf(calls.delete(`/clients/${theirs.id}`)), 404)
    const list = await calls.get('/clients')
    assert.deepEqual(list.body().data, [])

    await theirs.refresh()
    assert.notEqual(theirs.email, 'x@example.com')
  })

  test('reading needs clients:read, writing clients:write', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const [own] = await createClients(tenant, 1)
    const reader = api(client, await createToken(user, ['clients:read']))
    const writer = api(client, await createToken(user, ['clients:write']))

    assert.equal(await statusOf(reader.get('/clients')), 200)
    assert.equal(await statusOf(reader.get(`/clients/${own.id}`)), 200)
    assert.equal(await statusOf(reader.post('/clients', { email: 'new@example.com' })), 403)
    assert.equal(
      await statusOf(reader.put(`/clients/${own.id}`, { email: 'new@example.com' })),
      403
    )
    assert.equal(await statusOf(reader.delete(`/clients/${own.id}`)), 403)
    assert.equal(await statusOf(reader.post('/clients/bulk', { clients: [] })), 403)
    assert.equal(await statusOf(writer.get('/clients')), 403)
    assert.equal(await statusOf(writer.get(`/clients/${own.id}`)), 403)
  })
})

test.group('API: clients bulk upsert', () => {
  test('creates new emails, updates known ones and reports invalid items', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const known = await tenant.related('clients').create({
      email: 'known@example.com',
      fullName: 'Old Name',
      comment: 'keep me',
      unsubscribedAt: DateTime.utc(),
    })
    await tenant.related('clients').create({ email: 'same@example.com', fullName: 'Same' })
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: 'known@example.com',
      reason: 'unsubscribed',
      source: 'unsubscribe',
    })
    const calls = api(client, await createToken(user))

    const response = await calls.post('/clients/bulk', {
      clients: [
        { email: 'new@example.com', full_name: 'New One' },
        { email: 'KNOWN@example.com', full_name: 'New Name' },
        { email: 'same@example.com', full_name: 'Same' },
        { email: 'broken', full_name: 'x' },
        { email: 'new@example.com', full_name: 'Twice' },
        'not an object',
      ],
    })
    response.assertStatus(200)
    const [created, updated, unchanged, invalid, duplicate, notObject] = response.body().data
    assert.deepInclude(created, { index: 0, status: 'created', email: 'new@example.com' })
    assert.deepEqual(updated, {
      index: 1,
      status: 'updated',
      email: 'known@example.com',
      id: known.id,
      suppressed: true,
    })
    assert.isFalse(created.suppressed)
    assert.equal(unchanged.status, 'unchanged')
    assert.deepEqual(invalid.errors, [
      { field: 'email', rule: 'email', message: 'Enter a valid email address' },
    ])
    assert.deepInclude(duplicate, { status: 'invalid', email: 'new@example.com' })
    assert.equal(duplicate.errors[0].rule, 'distinct')
    assert.equal(notObject.status, 'invalid')
    assert.deepEqual(response.body().summary, {
      created: 1,
      updated: 1,
      unchanged: 1,
      invalid: 3,
      suppressed: 1,
    })

    await known.refresh()
    assert.equal(known.fullName, 'New Name')
    assert.equal(known.comment, 'keep me')
    assert.isNotNull(known.unsubscribedAt)
    const saved = await Client.findOrFail(created.id)
    assert.equal(saved.tenantId, tenant.id)
    assert.equal(saved.fullName, 'New One')
  })

  test('takes 1,000 items in one request, and no more', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))
    const items = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ email: `bulk-${i}@example.com` }))

    const response = await calls.post('/clients/bulk', { clients: items(1000) })
    response.assertStatus(200)
    assert.equal(response.body().summary.created, 1000)
    const count = await tenant.related('clients').query().count('* as total')
    assert.equal(Number(count[0].$extras.total), 1000)

    const tooMany = await calls.post('/clients/bulk', { clients: items(1001) })
    tooMany.assertStatus(422)
    assert.equal(tooMany.body().errors[0].field, 'clients')
  })

  test('sent again, 1,000 items answer updated or unchanged with their own ids', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))
    const items = (renamed: (i: number) => boolean) =>
      Array.from({ length: 1000 }, (_, i) => ({
        email: `again-${i}@example.com`,
        full_name: renamed(i) ? `Renamed ${i}` : `Client ${i}`,
      }))
    await calls.post('/clients/bulk', { clients: items(() => false) })

    const response = await calls.post('/clients/bulk', { clients: items((i) => i % 3 === 0) })
    response.assertStatus(200)
    assert.deepEqual(response.body().summary, {
      created: 0,
      updated: 334,
      unchanged: 666,
      invalid: 0,
      suppressed: 0,
    })
    const saved = await tenant.related('clients').query().select('id', 'email', 'full_name')
    const byEmail = new Map(saved.map((row) => [row.email, row]))
    for (const [i, result] of response.body().data.entries()) {
      assert.equal(result.status, i % 3 === 0 ? 'updated' : 'unchanged')
      assert.equal(result.id, byEmail.get(result.email)!.id)
      assert.equal(
        byEmail.get(result.email)!.fullName,
        i % 3 === 0 ? `Renamed ${i}` : `Client ${i}`
      )
    }
  })

  test('an email of another workspace is a new client here', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const other = await createUser()
    const theirs = await other.tenant
      .related('clients')
      .create({ email: 'shared@example.com', fullName: 'Theirs' })
    const calls = api(client, await createToken(user))

    const response = await calls.post('/clients/bulk', {
      clients: [{ email: 'shared@example.com', full_name: 'Ours' }],
    })
    assert.equal(response.body().data[0].status, 'created')
    await theirs.refresh()
    assert.equal(theirs.fullName, 'Theirs')
    const ours = await tenant.related('clients').query().where('email', 'shared@example.com')
    assert.equal(ours[0].fullName, 'Ours')
  })
})
