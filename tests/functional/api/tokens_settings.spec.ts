import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { createUser } from '#tests/helpers/users'
import { createToken } from '#tests/helpers/api'
import { deleteForm, postForm } from '#tests/helpers/forms'

test.group('Settings: API tokens', () => {
  test('creates a token with its abilities and expiry, stored hashed', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/settings/tokens', {
      name: 'CRM sync',
      abilities: ['clients:read', 'mailings:write'],
      expiresIn: '30',
    }).loginAs(user)

    response.assertStatus(302)
    const { secret } = response.flashMessages().newToken as { secret: string }
    assert.match(secret, /^mlg_/)
    const row = await db.from('auth_access_tokens').where('tokenable_id', user.id).firstOrFail()
    assert.equal(row.name, 'CRM sync')
    assert.deepEqual(JSON.parse(row.abilities), ['clients:read', 'mailings:write'])
    assert.notInclude(row.hash, secret.slice(4))
    assert.isNotNull(row.expires_at)
  })

  test('refuses a token without a name or an ability', async ({ client }) => {
    const { user } = await createUser()
    const response = await postForm(client, '/settings/tokens', {
      name: '',
      expiresIn: 'never',
    }).loginAs(user)

    response.assertStatus(302)
    response.assertFlashMessage('inputErrorsBag', {
      name: ['Please fill in the name'],
      abilities: ['Please fill in the abilities'],
    })
  })

  test('lists the user’s tokens with when they were last used', async ({ client, assert }) => {
    const { user } = await createUser()
    await createToken(user, ['clients:read'], { name: 'Reporting' })

    const response = await client.get('/settings/tokens').loginAs(user)
    response.assertStatus(200)
    assert.include(response.text(), 'Reporting')
    assert.include(response.text(), 'Never')
  })

  test('another user’s token cannot be revoked (404)', async ({ client, assert }) => {
    const { user } = await createUser()
    const other = await createUser()
    await createToken(other.user)
    const theirs = await db.from('auth_access_tokens').where('tokenable_id', other.user.id).first()

    const response = await deleteForm(client, `/settings/tokens/${theirs.id}`).loginAs(user)
    response.assertStatus(404)
    assert.exists(await db.from('auth_access_tokens').where('id', theirs.id).first())
  })
})
