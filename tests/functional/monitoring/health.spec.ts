import { test } from '@japa/runner'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import redis from '@adonisjs/redis/services/main'
import db from '@adonisjs/lucid/services/db'
import { WebServerProcess, webServerOnPrivateRedis } from '#tests/helpers/web_server'
import { runCommand } from '#tests/helpers/processes'
import { waitUntil } from '#tests/helpers/wait'
import { HEALTH_TOKEN, appUrl } from '#tests/helpers/monitoring'

const READY = {
  status: 'ok',
  checks: { database: 'ok', redis: 'ok', migrations: 'ok', queue: 'ok' },
}

/**
 * The keys of the test Redis DB that may be sessions: a session is stored
 * under its bare id, while BullMQ, the cache, the limiter and the blog's
 * counters (which the suite's worker keeps writing) name theirs with colons.
 */
async function sessionKeys() {
  const keys = await redis.keys('*')
  return new Set(keys.filter((key) => !key.includes(':')))
}

test.group('Health probes', () => {
  test('/health/live and /health/ready answer 200 with statuses only, and no cookie', async ({
    assert,
  }) => {
    const live = await fetch(appUrl('/health/live'))
    assert.equal(live.status, 200)
    assert.deepEqual(await live.json(), { status: 'ok' })
    assert.isNull(live.headers.get('set-cookie'))

    const ready = await fetch(appUrl('/health/ready'))
    assert.equal(ready.status, 200)
    assert.include(ready.headers.get('content-type') ?? '', 'application/json')
    assert.equal(ready.headers.get('cache-control'), 'no-store')
    assert.isNull(ready.headers.get('set-cookie'))
    assert.deepEqual(await ready.json(), READY)

    const head = await fetch(appUrl('/health/ready'), { method: 'HEAD' })
    assert.equal(head.status, 200)
    const post = await fetch(appUrl('/health/live'), { method: 'POST' })
    assert.equal(post.status, 405)
  })

  test('the full report needs HEALTH_TOKEN: {label}')
    .with<{ label: string; headers: Record<string, string>; path: string; detailed: boolean }[]>([
      { label: 'none', headers: {}, path: '/health/ready', detailed: false },
      {
        label: 'a wrong bearer token',
        headers: { authorization: 'Bearer wrong-token-0123456789' },
        path: '/health/ready',
        detailed: false,
      },
      {
        label: 'a very long token',
        headers: { 'x-monitoring-secret': 'x'.repeat(8000) },
        path: '/health/ready',
        detailed: false,
      },
      {
        label: 'the right token in the query string (ignored)',
        headers: {},
        path: `/health/ready?token=${HEALTH_TOKEN}&x-monitoring-secret=${HEALTH_TOKEN}`,
        detailed: false,
      },
      {
        label: 'a bearer token with another scheme',
        headers: { authorization: `Basic ${HEALTH_TOKEN}` },
        path: '/health/ready',
        detailed: false,
      },
      {
        label: 'Authorization: Bearer',
        headers: { authorization: `Bearer ${HEALTH_TOKEN}` },
        path: '/health/ready',
        detailed: true,
      },
      {
        label: 'x-monitoring-secret',
        headers: { 'x-monitoring-secret': HEALTH_TOKEN },
        path: '/health/ready',
        detailed: true,
      },
    ])
    .run(async ({ assert }, { headers, path, detailed }) => {
      const response = await fetch(appUrl(path), { headers })
      assert.equal(response.status, 200)
      const body = (await response.json()) as any
      if (!detailed) {
        assert.deepEqual(body, READY)
        return
      }
      assert.isTrue(body.isHealthy)
      assert.sameMembers(
        body.checks.map((check: any) => check.name),
        ['database', 'redis', 'migrations', 'queue']
      )
      for (const check of body.checks) assert.isString(check.message)
      assert.equal(body.debugInfo.pid > 0, true)
    })

  test('probes write no session to Redis (a page does)', async ({ assert }) => {
    const before = await sessionKeys()
    for (let i = 0; i < 10; i++) {
      for (const path of ['/health/live', '/health/ready']) {
        const response = await fetch(appUrl(path))
        assert.equal(response.status, 200)
      }
    }
    const afterProbes = await sessionKeys()
    assert.deepEqual(
      [...afterProbes].filter((key) => !before.has(key)),
      [],
      'probes created keys'
    )

    // The same check sees the session a page starts.
    const page = await fetch(appUrl('/login'))
    assert.equal(page.status, 200)
    assert.include(page.headers.get('set-cookie') ?? '', 'mailings-session')
    const afterPage = await sessionKeys()
    assert.isAbove([...afterPage].filter((key) => !afterProbes.has(key)).length, 0)
  })

  test('/health/ready is 503 while Redis is down, without saying why in public, and 200 once it is back', async ({
    assert,
    cleanup,
  }) => {
    // METRICS_TOKEN unset: removed from the environment, and .env.test not read
    // (every other value of it is in the inherited environment).
    const noEnvFiles = await mkdtemp(join(tmpdir(), 'no-env-files-'))
    cleanup(() => rm(noEnvFiles, { recursive: true, force: true }))
    const { redis: privateRedis, server } = await webServerOnPrivateRedis(cleanup, {
      ENV_PATH: noEnvFiles,
      METRICS_TOKEN: undefined,
    })
    const ready = await fetch(server.url('/health/ready'))
    assert.equal(ready.status, 200, server.output)
    // METRICS_TOKEN unset: there is no /metrics.
    const metrics = await fetch(server.url('/metrics'), {
      headers: { authorization: 'Bearer anything-at-all-0123' },
    })
    assert.equal(metrics.status, 404)

    await privateRedis.stop()
    // The app's connection and the queue's notice the loss each in their own time.
    const text = await waitUntil('/health/ready to answer 503 for both connections', async () => {
      const response = await fetch(server.url('/health/ready'))
      const body = await response.text()
      return response.status === 503 && JSON.parse(body).checks.queue === 'error' ? body : null
    })
    assert.deepEqual(JSON.parse(text), {
      status: 'error',
      checks: { database: 'ok', redis: 'error', migrations: 'ok', queue: 'error' },
    })
    assert.notInclude(text, String(privateRedis.port))
    assert.notInclude(text, '127.0.0.1')
    // Liveness does not depend on Redis.
    const live = await fetch(server.url('/health/live'))
    assert.equal(live.status, 200)

    const detailed = await fetch(server.url('/health/ready'), {
      headers: { authorization: `Bearer ${HEALTH_TOKEN}` },
    })
    assert.equal(detailed.status, 503)
    const report = (await detailed.json()) as any
    const redisCheck = report.checks.find((check: any) => check.name === 'redis')
    assert.equal(redisCheck.status, 'error')
    assert.isString(redisCheck.message)

    await privateRedis.start()
    await waitUntil(
      '/health/ready to answer 200 again',
      async () => {
        const response = await fetch(server.url('/health/ready'))
        return response.status === 200
      },
      60_000
    )
  }).timeout(120_000)

  test('/health/ready is 503 while a migration is pending', async ({ assert, cleanup }) => {
    const file = `tmp/health-pending-${process.pid}.sqlite3`
    const database = { DB_CONNECTION: 'sqlite', DB_DATABASE: file }
    cleanup(async () => {
      for (const suffix of ['', '-wal', '-shm'])
        await rm(app.makePath(file + suffix), { force: true })
    })
    const migrated = await runCommand(process.execPath, ['ace', 'migration:run', '--force'], {
      cwd: app.makePath(),
      env: { ...process.env, ...database },
    })
    assert.equal(migrated.code, 0, migrated.output)
    // The release's newest migration has not been run on this database.
    db.manager.add('health_pending', {
      client: 'better-sqlite3',
      connection: { filename: app.makePath(file) },
      useNullAsDefault: true,
    })
    const pendingDb = db.connection('health_pending')
    const newest = await pendingDb
      .from('adonis_schema')
      .orderBy('id', 'desc')
      .select('name')
      .first()
    await pendingDb.from('adonis_schema').where('name', newest.name).delete()
    await db.manager.close('health_pending', true)

    const server = new WebServerProcess()
    cleanup(async () => {
      await server.stop()
    })
    await server.start(database)
    const response = await fetch(server.url('/health/ready'))
    assert.equal(response.status, 503)
    assert.deepEqual(await response.json(), {
      status: 'error',
      checks: { database: 'ok', redis: 'ok', migrations: 'error', queue: 'ok' },
    })
    const detailed = await fetch(server.url('/health/ready'), {
      headers: { 'x-monitoring-secret': HEALTH_TOKEN },
    })
    const report = (await detailed.json()) as any
    const migrations = report.checks.find((check: any) => check.name === 'migrations')
    assert.deepEqual(migrations.meta.pending, [newest.name])
  }).timeout(120_000)
})
