import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import { PrivateRedis } from '#tests/helpers/private_redis'
import { WebServerProcess } from '#tests/helpers/web_server'
import { waitUntil } from '#tests/helpers/wait'

/**
 * Pages need Redis (sessions, CSRF tokens, rate limits). A web process must
 * come back by itself when Redis does, however long it was away. The main
 * connection stops retrying after ten tries (about 3 s, config/redis.ts), but
 * @adonisjs/redis then drops it and opens a new one on the next use: this
 * keeps that true.
 */
test.group('Web server: a Redis outage', () => {
  test('pages answer again once Redis is back after a long outage', async ({ assert, cleanup }) => {
    const redis = new PrivateRedis()
    const server = new WebServerProcess()
    cleanup(async () => {
      await server.stop()
      await redis.close()
    })
    await redis.start()
    await server.start({ ...redis.workerEnv, SESSION_DRIVER: 'redis' })
    const before = await fetch(server.url('/login'))
    assert.equal(before.status, 200)

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
  }).timeout(120_000)
})
