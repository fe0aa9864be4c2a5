import { test } from '@japa/runner'
import apiConfig from '#config/api'
import { createUser } from '#tests/helpers/users'
import { api, createToken } from '#tests/helpers/api'
import { waitUntil } from '#tests/helpers/wait'

test.group('API: rate limits', (group) => {
  const configured = { ...apiConfig.rateLimit }
  group.each.setup(() => {
    // A small quota and a short window, so the limit is reached and passes.
    apiConfig.rateLimit.requests = 3
    apiConfig.rateLimit.windowSeconds = 2
    return () => {
      Object.assign(apiConfig.rateLimit, configured)
    }
  })

  test('every response says the limit and what remains; past it, 429 until the window ends', async ({
    client,
    assert,
  }) => {
    const { user } = await createUser()
    const calls = api(client, await createToken(user))

    for (const remaining of [2, 1, 0]) {
      const response = await calls.get('/me')
      response.assertStatus(200)
      assert.equal(response.header('x-ratelimit-limit'), '3')
      assert.equal(response.header('x-ratelimit-remaining'), String(remaining))
      assert.equal(response.header('ratelimit-policy'), '"default";q=3;w=2')
      assert.match(
        response.header('ratelimit') ?? '',
        new RegExp(`^"default";r=${remaining};t=\\d+$`)
      )
    }

    const limited = await calls.get('/me')
    limited.assertStatus(429)
    assert.match(limited.header('content-type') ?? '', /^application\/problem\+json/)
    assert.isAtLeast(Number(limited.header('retry-after')), 1)
    assert.equal(limited.header('x-ratelimit-remaining'), '0')
    assert.match(limited.body().type, /#rate-limited$/)

    // Errors count and carry the headers too.
    const alsoLimited = await calls.get('/clients/999999999')
    alsoLimited.assertStatus(429)

    await waitUntil('the window to pass', async () => {
      const response = await calls.get('/me')
      return response.status() === 200
    })
  })

  test('each token has its own quota', async ({ client }) => {
    const { user } = await createUser()
    const first = api(client, await createToken(user))
    const second = api(client, await createToken(user))

    for (let i = 0; i < 3; i++) await first.get('/me')
    const limited = await first.get('/me')
    limited.assertStatus(429)
    const other = await second.get('/me')
    other.assertStatus(200)
  })

  test('requests without a valid token are counted by IP', async ({ client, assert }) => {
    const anonymous = api(client)
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const response = await anonymous.get('/me')
      statuses.push(response.status())
    }
    assert.deepEqual(statuses.slice(0, 3), [401, 401, 401])
    assert.equal(statuses[3], 429)

    await waitUntil('the window to pass', async () => {
      const response = await anonymous.get('/me')
      return response.status() === 401
    })
  })
})
