import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'

test.group('Settings: /settings', () => {
  test('opens the first settings page an owner may use, the one the top bar links to', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const dashboard = await client.get('/dashboard').loginAs(user)
    assert.match(dashboard.text(), /href="\/settings"[^>]*>\s*Settings/)

    const response = await client.get('/settings').loginAs(user).redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/settings/workspace')
    const page = await client.get('/settings').loginAs(user)
    page.assertStatus(200)
    page.assertTextIncludes('Workspace')
  })

  test('asks a visitor to log in first', async ({ client }) => {
    const response = await client.get('/settings').redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/login')
  })
})
