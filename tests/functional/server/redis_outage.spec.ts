import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import { webServerOnPrivateRedis } from '#tests/helpers/web_server'
import { waitUntil } from '#tests/helpers/wait'
import { createUser } from '#tests/helpers/users'
import { createToken } from '#tests/helpers/api'

/**
 * Pages need Redis (sessions, CSRF tokens, rate limits). A web process must
 * come back by itself when Redis does, however long it was away: the main
 * connection reconnects for as long as it takes (config/redis.ts). Had it
 * given up, @adonisjs/redis would open a new one on the next use, but the
 * API's rate limiters would keep the dead one: this keeps both true.
 */
test.group('Web server: a Redis outage', () => {
  test('pages answer again once Redis is back after a long outage', async ({ assert, cleanup }) => {
    const { redis, server } = await webServerOnPrivateRedis(cleanup, { SESSION_DRIVER: 'redis' })
    const before = await fetch(server.url('/login'))
    assert.equal(before.status, 200)
    // A token's quota used before the outage: its limiter keeps the
    // connection it was made with (found by the fleet test's redis-outage).
    const { user } = await createUser()
    const token = await createToken(user)
    const me = () =>
      fetch(server.url('/api/v1/me'), { headers: { authorization: `Bearer ${token}` } })
    const served = await me()
    assert.equal(served.status, 200)

    await redis.stop()
    // Longer than the old reconnect budget, so the old code gave up for good.
    await sleep(6_000)
    await redis.start()

    const status = await waitUntil(
      'the log-in page to answer 200 again',
      async () => {
        const response = await fetch(server.url('/login')).catch(() => null)
        return response?.status === 200 ? response.status : null
      },
      60_000
    )
    assert.equal(status, 200)
    // The API's per-IP quota (the limiter's Redis store) works again too.
    const api = await fetch(server.url('/api/v1/me'))
    assert.equal(api.status, 401)
    const afterOutage = await waitUntil('the token to be served again', async () => {
      const response = await me().catch(() => null)
      return response?.status === 200 ? response.status : null
    })
    assert.equal(afterOutage, 200)
  }).timeout(120_000)

  test('a web process started while Redis is away stays up, and serves once it is back', async ({
    assert,
    cleanup,
  }) => {
    const { redis, server } = await webServerOnPrivateRedis(
      cleanup,
      { SESSION_DRIVER: 'redis' },
      { redisAway: true }
    )

    // The cache bus subscribes at start; ioredis rejects a waiting command
    // after 20 reconnections, and bentocache left that rejection unhandled:
    // the process died (app/services/cache/redis_bus.ts). Well past the
    // 20th reconnection of the connections made at boot:
    const failures = () => server.output.split('Redis connection failure').length - 1
    await waitUntil(
      '30 reconnections to Redis',
      async () => {
        if (server.exited) throw new Error(`The web server died:\n${server.output.slice(-3000)}`)
        return failures() >= 30
      },
      90_000
    )

    await redis.start()
    const status = await waitUntil('the log-in page to answer 200', async () => {
      const response = await fetch(server.url('/login')).catch(() => null)
      return response?.status === 200 ? response.status : null
    })
    assert.equal(status, 200)
  }).timeout(150_000)
})
