import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'

test.group('Pages', () => {
  test('the home page renders for guests', async ({ client }) => {
    const response = await client.get('/')
    response.assertStatus(200)
    response.assertTextIncludes('Create a free workspace')
  })

  test('sends security headers with a CSP that forbids inline scripts', async ({
    client,
    assert,
  }) => {
    const response = await client.get('/login')
    const csp = response.header('content-security-policy')
    assert.include(csp, "script-src 'self'")
    assert.notInclude(csp, 'unsafe-inline')
    response.assertHeader('x-frame-options', 'DENY')
    response.assertHeader('x-content-type-options', 'nosniff')
  })

  test('an unknown page answers a friendly 404', async ({ client }) => {
    const response = await client.get('/no-such-page')
    response.assertStatus(404)
    response.assertTextIncludes('We could not find that page')
  })

  test('the admin panel refuses plain users and opens for staff', async ({ client }) => {
    const { user } = await createUser()
    const refused = await client.get('/admin').loginAs(user)
    refused.assertStatus(404)

    for (const role of ['manager', 'content_manager', 'admin'] as const) {
      const { user: staff } = await createUser({ role })
      const response = await client.get('/admin').loginAs(staff)
      response.assertStatus(200)
      response.assertTextIncludes('Admin panel')
    }
  })

  test('versioned assets are served with immutable caching', async ({ client }) => {
    const response = await client.get('/vendor/bootstrap.min.css?v=1')
    response.assertStatus(200)
    response.assertHeader('cache-control', 'public, max-age=31536000, immutable')
  })
})
