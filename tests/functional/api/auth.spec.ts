import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { createUser } from '#tests/helpers/users'
import { api, createToken } from '#tests/helpers/api'

test.group('API: tokens and authentication', () => {
  test('GET /me answers who the token acts for', async ({ client, assert }) => {
    const { user, tenant } = await createUser({ fullName: 'Ada Lovelace' })
    const token = await createToken(user, ['clients:read'], { name: 'CRM sync' })

    const response = await api(client, token).get('/me')
    response.assertStatus(200)
    assert.deepEqual(response.body().user, {
      id: user.id,
      email: user.email,
      full_name: 'Ada Lovelace',
      role: 'user',
    })
    assert.equal(response.body().workspace.id, tenant.id)
    assert.deepEqual(response.body().token, {
      name: 'CRM sync',
      abilities: ['clients:read'],
      expires_at: null,
    })
  })

  test('no token, a malformed one or an unknown one answers 401 problem+json', async ({
    client,
    assert,
  }) => {
    for (const token of [
      undefined,
      'mlg_nothing',
      'mlg_MQ.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    ]) {
      const response = await api(client, token).get('/me')
      response.assertStatus(401)
      assert.match(response.header('content-type') ?? '', /^application\/problem\+json/)
      assert.equal(response.header('www-authenticate'), 'Bearer realm="api"')
      assert.equal(response.body().status, 401)
      assert.match(response.body().type, /\/docs\/api\/errors#unauthorized$/)
    }
  })

  test('a revoked token answers 401', async ({ client }) => {
    const { user } = await createUser()
    const token = await createToken(user)
    await api(client, token)
      .get('/me')
      .then((response) => response.assertStatus(200))

    await db.from('auth_access_tokens').where('tokenable_id', user.id).delete()
    const response = await api(client, token).get('/me')
    response.assertStatus(401)
  })

  test('an expired token answers 401', async ({ client }) => {
    const { user } = await createUser()
    const token = await createToken(user)
    await db
      .from('auth_access_tokens')
      .where('tokenable_id', user.id)
      .update({ expires_at: DateTime.utc().minus({ minutes: 1 }).toJSDate() })

    const response = await api(client, token).get('/me')
    response.assertStatus(401)
  })

  test('a blocked user’s token answers 401 on every request', async ({ client }) => {
    const { user } = await createUser()
    const token = await createToken(user)
    user.blockedAt = DateTime.utc()
    await user.save()

    for (const path of ['/me', '/clients']) {
      const response = await api(client, token).get(path)
      response.assertStatus(401)
    }
  })

  test('the token records when it was last used', async ({ client, assert }) => {
    const { user } = await createUser()
    const token = await createToken(user)
    await api(client, token).get('/me')

    const row = await db.from('auth_access_tokens').where('tokenable_id', user.id).first()
    assert.isNotNull(row.last_used_at)
  })

  test('a token without the ability answers 403 problem', async ({ client, assert }) => {
    const { user } = await createUser()
    const token = await createToken(user, ['messages:read'])

    const response = await api(client, token).get('/clients')
    response.assertStatus(403)
    assert.match(response.body().detail, /clients:read/)
  })

  test('errors under /api never show a stack trace or an HTML page', async ({ client, assert }) => {
    const { user } = await createUser()
    const token = await createToken(user)
    // Sent by hand: the test client would serialise the broken JSON.
    const response = await fetch(`http://${env.get('HOST')}:${env.get('PORT')}/api/v1/clients`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"email": ',
    })
    assert.equal(response.status, 400)
    assert.match(response.headers.get('content-type')!, /^application\/problem\+json/)
    const text = await response.text()
    assert.notInclude(text, 'at ')
    assert.equal(JSON.parse(text).type, `${env.get('APP_URL')}/docs/api/errors#bad-request`)

    const missing = await client.get('/api/v1/nothing-here').bearerToken(token)
    missing.assertStatus(404)
    assert.match(missing.header('content-type') ?? '', /^application\/problem\+json/)
  })

  test('a known path asked with another method answers 405 with Allow, not 404', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    // Not through api(): it checks answers against the OpenAPI document,
    // which holds only the operations that exist.
    const wrong = await client.delete('/api/v1/clients').bearerToken(await createToken(user))
    wrong.assertStatus(405)
    assert.equal(wrong.header('allow'), 'GET, HEAD, POST')
    assert.match(wrong.header('content-type') ?? '', /^application\/problem\+json/)
    assert.equal(wrong.body().type, `${env.get('APP_URL')}/docs/api/errors#method-not-allowed`)

    // Also without a token: the path's methods are in the public docs anyway.
    const anonymous = await client.put('/api/v1/mailings')
    anonymous.assertStatus(405)
    assert.equal(anonymous.header('allow'), 'GET, HEAD, POST')
  })
})
