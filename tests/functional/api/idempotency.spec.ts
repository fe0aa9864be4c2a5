import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'
import { api, createToken } from '#tests/helpers/api'

test.group('API: Idempotency-Key', () => {
  test('the same key and body replays the first response without acting again', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))
    const headers = { 'Idempotency-Key': 'create-ada-1' }

    const first = await calls.post('/clients', { email: 'ada@example.com' }, { headers })
    first.assertStatus(201)
    assert.isUndefined(first.header('idempotent-replayed'))

    const again = await calls.post('/clients', { email: 'ada@example.com' }, { headers })
    again.assertStatus(201)
    assert.equal(again.header('idempotent-replayed'), 'true')
    assert.deepEqual(again.body(), first.body())
    assert.equal(again.header('location'), first.header('location'))

    const clients = await tenant.related('clients').query()
    assert.lengthOf(clients, 1)
  })

  test('the same key with another body answers 422', async ({ client, assert }) => {
    const { user } = await createUser()
    const calls = api(client, await createToken(user))
    const headers = { 'Idempotency-Key': 'key-reused' }

    await calls.post('/clients', { email: 'one@example.com' }, { headers })
    const other = await calls.post('/clients', { email: 'two@example.com' }, { headers })
    other.assertStatus(422)
    assert.match(other.body().type, /#idempotency-key-reused$/)
  })

  test('simultaneous requests with one key act once; the others wait their turn (409)', async ({
    client,
    assert,
  }) => {
    const { user, tenant } = await createUser()
    const calls = api(client, await createToken(user))
    const headers = { 'Idempotency-Key': 'bulk-once' }
    const body = {
      clients: Array.from({ length: 500 }, (_, i) => ({ email: `same-${i}@example.com` })),
    }

    const responses = await Promise.all(
      Array.from({ length: 4 }, () => calls.post('/clients/bulk', body, { headers }))
    )
    const statuses = responses.map((response) => response.status())
    assert.includeMembers([200, 409], statuses)
    const answered = responses.filter((response) => response.status() === 200)
    for (const response of answered) {
      assert.deepEqual(response.body().summary, {
        created: 500,
        updated: 0,
        unchanged: 0,
        invalid: 0,
        suppressed: 0,
      })
    }
    for (const response of responses.filter((r) => r.status() === 409)) {
      assert.match(response.body().type, /#idempotency-in-progress$/)
    }

    const count = await tenant.related('clients').query().count('* as total')
    assert.equal(Number(count[0].$extras.total), 500)
  })

  test('keys are per token, and failed requests are not kept', async ({ client, assert }) => {
    const { user } = await createUser()
    const first = api(client, await createToken(user))
    const second = api(client, await createToken(user))
    const headers = { 'Idempotency-Key': 'shared-key' }

    const invalid = await first.post('/clients', { email: 'nope' }, { headers })
    invalid.assertStatus(422)
    const fixed = await first.post('/clients', { email: 'nope' }, { headers })
    fixed.assertStatus(422)
    assert.isUndefined(fixed.header('idempotent-replayed'))

    const created = await first.post(
      '/clients',
      { email: 'k1@example.com' },
      {
        headers: { 'Idempotency-Key': 'per-token' },
      }
    )
    created.assertStatus(201)
    const elsewhere = await second.post(
      '/clients',
      { email: 'k2@example.com' },
      {
        headers: { 'Idempotency-Key': 'per-token' },
      }
    )
    elsewhere.assertStatus(201)
    assert.notEqual(elsewhere.body().id, created.body().id)
  })
})
