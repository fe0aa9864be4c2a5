import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Client from '#models/client'
import Suppression from '#models/suppression'
import SuppressAddress from '#actions/suppressions/suppress_address'
import { createUser } from '#tests/helpers/users'
import { api, createToken, statusOf } from '#tests/helpers/api'

test.group('API: suppressions', () => {
  test('adds an address idempotently, lists it, and removes it', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))

    const added = await calls.post('/suppressions', {
      email: ' Ada@Example.com ',
      detail: 'Asked by phone',
    })
    added.assertStatus(201)
    assert.include(added.body(), {
      email: 'ada@example.com',
      reason: 'manual',
      source: 'api',
      detail: 'Asked by phone',
      delivery_id: null,
    })
    assert.equal(added.header('location'), `/api/v1/suppressions/${added.body().id}`)

    const again = await calls.post('/suppressions', { email: 'ada@example.com' })
    again.assertStatus(200)
    assert.equal(again.body().id, added.body().id)

    const listed = await calls.get('/suppressions?email=ADA@example.com')
    listed.assertStatus(200)
    assert.deepEqual(
      listed.body().data.map((entry: { id: number }) => entry.id),
      [added.body().id]
    )

    const removed = await calls.delete('/suppressions/ada%40example.com')
    removed.assertStatus(204)
    assert.isNull(await Suppression.query().where('tenant_id', tenant.id).first())
    assert.equal(await statusOf(calls.delete('/suppressions/ada%40example.com')), 404)
  })

  test('pages newest first with a cursor, filtered by reason', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))
    for (const [index, reason] of (['hard_bounce', 'manual', 'hard_bounce'] as const).entries()) {
      await SuppressAddress.handle({
        tenantId: tenant.id,
        email: `list-${index}@example.com`,
        reason,
        source: 'test',
      })
    }

    const first = await calls.get('/suppressions?limit=2')
    assert.deepEqual(
      first.body().data.map((entry: { email: string }) => entry.email),
      ['list-2@example.com', 'list-1@example.com']
    )
    const second = await calls.get(`/suppressions?limit=2&cursor=${first.body().next_cursor}`)
    assert.deepEqual(
      second.body().data.map((entry: { email: string }) => entry.email),
      ['list-0@example.com']
    )
    assert.isNull(second.body().next_cursor)

    const bounced = await calls.get('/suppressions?reason=hard_bounce')
    assert.deepEqual(
      bounced.body().data.map((entry: { email: string }) => entry.email),
      ['list-2@example.com', 'list-0@example.com']
    )
    assert.equal(await statusOf(calls.get('/suppressions?reason=spam')), 422)
  })

  test('a complaint is removed only with ?confirm=complaint', async ({ client, assert }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: 'angry@example.com',
      reason: 'complaint',
      source: 'arf',
    })
    const entry = await Suppression.query().where('tenant_id', tenant.id).firstOrFail()

    const refused = await calls.delete(`/suppressions/${entry.id}`)
    refused.assertStatus(409)
    assert.include(refused.body().detail, '?confirm=complaint')
    assert.isNotNull(await Suppression.find(entry.id))

    const removed = await calls.delete(`/suppressions/${entry.id}?confirm=complaint`)
    removed.assertStatus(204)
    assert.isNull(await Suppression.find(entry.id))
  })

  test('an unsubscribe is never removed (409); a bounce of an unsubscribed client stays their unsubscribe', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))
    const left = await Client.create({
      tenantId: tenant.id,
      email: 'left@example.com',
      fullName: '',
      unsubscribedAt: DateTime.now(),
    })
    await SuppressAddress.handle({
      tenantId: tenant.id,
      email: left.email,
      reason: 'hard_bounce',
      source: 'smtp',
    })

    const kept = await calls.delete('/suppressions/left@example.com')
    kept.assertStatus(200)
    assert.include(kept.body(), { reason: 'unsubscribed', detail: null })
    await left.refresh()
    assert.isNotNull(left.unsubscribedAt)

    // Even with the complaint confirmation, by address or by id.
    const entry = await Suppression.query().where('tenant_id', tenant.id).firstOrFail()
    for (const path of [
      '/suppressions/left@example.com',
      `/suppressions/${entry.id}?confirm=complaint`,
    ]) {
      const refused = await calls.delete(path)
      refused.assertStatus(409)
      assert.equal(
        refused.body().detail,
        'The address unsubscribed: only its owner can subscribe again, so the workspace ' +
          'cannot remove this entry.'
      )
    }
    await entry.refresh()
    assert.equal(entry.reason, 'unsubscribed')
    await left.refresh()
    assert.isNotNull(left.unsubscribedAt)
  })

  test('another workspace’s entries are not found, by id or by address', async ({
    client,
    assert,
  }) => {
    const owner = await createUser()
    const other = await createUser()
    await SuppressAddress.handle({
      tenantId: owner.tenant.id,
      email: 'mine@example.com',
      reason: 'manual',
      source: 'test',
    })
    const entry = await Suppression.query().where('tenant_id', owner.tenant.id).firstOrFail()
    const calls = api(client, await createToken(other.user))

    assert.equal(await statusOf(calls.delete(`/suppressions/${entry.id}`)), 404)
    assert.equal(await statusOf(calls.delete('/suppressions/mine@example.com')), 404)
    for (const hostile of ['99999999999999', '0', '%25zz', '%E0%A4%A', 'x'.repeat(300)]) {
      assert.equal(await statusOf(calls.delete(`/suppressions/${hostile}`)), 404, hostile)
    }
    const listed = await calls.get('/suppressions?email=mine@example.com')
    assert.deepEqual(listed.body().data, [])
    assert.isNotNull(await Suppression.find(entry.id))
  })

  test('reading needs suppressions:read, writing suppressions:write', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const reader = api(client, await createToken(user, ['suppressions:read']))
    const writer = api(client, await createToken(user, ['suppressions:write']))

    assert.equal(await statusOf(reader.get('/suppressions')), 200)
    assert.equal(await statusOf(reader.post('/suppressions', { email: 'a@example.com' })), 403)
    assert.equal(await statusOf(reader.delete('/suppressions/a@example.com')), 403)
    assert.equal(await statusOf(writer.get('/suppressions')), 403)
    assert.equal(await statusOf(writer.post('/suppressions', { email: 'a@example.com' })), 201)
    assert.equal(await statusOf(writer.post('/suppressions', { email: 'nope' })), 422)
  })
})
