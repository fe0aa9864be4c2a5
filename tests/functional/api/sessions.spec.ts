import { test } from '@japa/runner'
import redis from '@adonisjs/redis/services/main'
import { HttpAgent } from '#tests/helpers/http_agent'
import { appUrl } from '#tests/helpers/monitoring'
import { createToken } from '#tests/helpers/api'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'

/**
 * Sessions are stored under their bare id; BullMQ, the cache, the limiter
 * and the blog's counters name their keys with colons.
 */
async function sessionKeys() {
  const keys = await redis.keys('*')
  return keys.filter((key) => !key.includes(':'))
}

test.group('API: no sessions', () => {
  test('calls with a token and no cookie write no session to Redis', async ({ assert }) => {
    const { user } = await createUser()
    const token = await createToken(user, ['clients:read', 'clients:write'])
    const headers = { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' }
    const before = new Set(await sessionKeys())

    for (let call = 0; call < 5; call++) {
      const me = await fetch(appUrl('/api/v1/me'), { headers })
      assert.equal(me.status, 200)
    }
    const created = await fetch(appUrl('/api/v1/clients'), {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: 'no-session@example.com' }),
    })
    assert.equal(created.status, 201, await created.text())
    const missing = await fetch(appUrl('/api/v1/clients/999999999'), { headers })
    assert.equal(missing.status, 404)

    const after = await sessionKeys()
    assert.deepEqual(
      after.filter((key) => !before.has(key)),
      []
    )
  })

  test('a browser that calls the API with its session cookie stays logged in', async ({
    assert,
  }) => {
    const { user } = await createUser()
    const token = await createToken(user, ['clients:read'])
    const browser = new HttpAgent()
    await browser.logIn(user.email, STRONG_PASSWORD)
    const session = browser.sessionId!
    assert.isNotNull(await redis.get(session))

    const me = await fetch(appUrl('/api/v1/me'), {
      headers: {
        authorization: `Bearer ${token}`,
        cookie: [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
    })
    assert.equal(me.status, 200)

    assert.isNotNull(await redis.get(session))
    const page = await browser.get('/clients')
    assert.equal(page.status, 200)
  })
})
