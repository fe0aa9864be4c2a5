import { spawn } from 'node:child_process'
import { test } from '@japa/runner'
import type { ApiResponse } from '@japa/api-client'
import limiter from '@adonisjs/limiter/services/main'
import accountsConfig from '#config/accounts'
import apiConfig from '#config/api'
import { apiLimiter } from '#start/limiter'
import { api } from '#tests/helpers/api'
import { newIp, throughTrustedProxy, withForgedForwardedFor } from '#tests/helpers/proxy'
import { freePort } from '#tests/helpers/net'
import { postForm } from '#tests/helpers/forms'

const THROTTLED = /^Too many log-in attempts/

function flashError(response: ApiResponse) {
  return String(response.flashMessages().error)
}

/**
 * Three API calls per minute for everyone, from fresh counts.
 */
async function smallApiQuota() {
  apiConfig.rateLimit.requests = 3
  apiConfig.rateLimit.windowSeconds = 60
  await apiLimiter().delete('api:3/60:ip:127.0.0.1')
}

/**
 * Every limit keyed on the client's IP must see the peer's real address
 * unless the peer is a proxy listed in TRUSTED_PROXIES (.env.test lists
 * 127.0.0.2; test requests otherwise come from 127.0.0.1).
 */
test.group('Client IP: X-Forwarded-For is believed only from trusted proxies', (group) => {
  const configured = { login: { ...accountsConfig.login }, api: { ...apiConfig.rateLimit } }
  group.each.setup(async () => {
    // Counts made by other tests from 127.0.0.1 must not decide these.
    await limiter.use({ requests: 1, duration: 1 }).delete('login:ip:127.0.0.1')
    return () => {
      Object.assign(accountsConfig.login, configured.login)
      Object.assign(apiConfig.rateLimit, configured.api)
    }
  })

  test('40 failed log-ins to different emails, each with a new forged header, meet the per-IP limit', async ({
    client,
    assert,
  }) => {
    accountsConfig.login.attemptsPerIp = 30
    const outcomes: string[] = []
    for (let i = 0; i < 40; i++) {
      const response = await withForgedForwardedFor(
        postForm(client, '/login', {
          email: `spray-${i}-${Date.now()}@example.com`,
          password: 'Winter2026!',
        }),
        newIp()
      )
      outcomes.push(flashError(response))
    }

    assert.deepEqual(outcomes.slice(0, 29), Array(29).fill('Wrong email or password.'))
    for (const outcome of outcomes.slice(29)) assert.match(outcome, THROTTLED)
  })

  test('behind a trusted proxy each forwarded client has its own count', async ({
    client,
    assert,
  }) => {
    accountsConfig.login.attemptsPerIp = 3
    const [attacker, bystander] = [newIp(), newIp()]
    const attempt = (ip: string) =>
      throughTrustedProxy(
        postForm(client, '/login', {
          email: `guess-${Date.now()}-${Math.random()}@example.com`,
          password: 'nope',
        }),
        ip
      )

    for (let i = 0; i < 3; i++) await attempt(attacker)
    assert.match(flashError(await attempt(attacker)), THROTTLED)
    assert.equal(flashError(await attempt(bystander)), 'Wrong email or password.')
  })

  test("the API's per-IP limit for calls without a token ignores a forged header", async ({
    client,
    assert,
  }) => {
    await smallApiQuota()
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      const response = await api(client).get('/me', { headers: { 'X-Forwarded-For': newIp() } })
      statuses.push(response.status())
    }
    assert.deepEqual(statuses, [401, 401, 401, 429, 429])
  })

  test("behind a trusted proxy the API counts the forwarded client's IP", async ({
    client,
    assert,
  }) => {
    await smallApiQuota()
    const [heavy, light] = [newIp(), newIp()]
    const call = (ip: string) => throughTrustedProxy(client.get('/api/v1/me'), ip)

    const statuses: number[] = []
    for (const ip of [heavy, heavy, heavy, heavy, light]) {
      const response = await call(ip)
      statuses.push(response.status())
    }
    assert.deepEqual(statuses, [401, 401, 401, 429, 401])
  })

  test('IPv6 clients are counted per /64, the block one subscriber holds', async ({
    client,
    assert,
  }) => {
    await smallApiQuota()
    const block = `2001:db8:${(Math.floor(Math.random() * 0xffff) + 1).toString(16)}:7`
    const call = (ip: string) => throughTrustedProxy(client.get('/api/v1/me'), ip)

    const statuses: number[] = []
    // Four addresses of one /64, then one of the neighbouring /64.
    for (const ip of [`${block}::1`, `${block}::2`, `${block}:0:0:0:3`, `${block}::ffff:4`]) {
      const response = await call(ip)
      statuses.push(response.status())
    }
    const neighbour = await call(`${block.slice(0, -1)}8::1`)
    statuses.push(neighbour.status())
    assert.deepEqual(statuses, [401, 401, 401, 429, 401])
  })

  test('a malformed TRUSTED_PROXIES stops the server at boot with a sentence', async ({
    assert,
  }) => {
    const child = spawn(
      process.execPath,
      ['--import=ts-node-maintained/register/esm', 'bin/server.ts'],
      {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          PORT: String(await freePort()),
          TRUSTED_PROXIES: '10.0.0.5, 10.0.0.0/33',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    )
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))

    assert.notEqual(code, 0, output)
    assert.include(
      output.replace(/\s+/g, ' '),
      'TRUSTED_PROXIES must list the IP addresses or CIDR ranges of your reverse proxies'
    )
    assert.include(output, '"10.0.0.0/33" is none of these')
  }).timeout(60_000)
})
