import { test } from '@japa/runner'
import { HttpAgent } from '#tests/helpers/http_agent'
import { logLines, rawGet, requestLines } from '#tests/helpers/log_lines'
import { PrivateRedis } from '#tests/helpers/private_redis'
import { TRUSTED_PROXY_ADDRESS } from '#tests/helpers/proxy'
import { createUser, STRONG_PASSWORD } from '#tests/helpers/users'
import { createClients } from '#tests/helpers/workspace'
import { WebServerProcess } from '#tests/helpers/web_server'
import { waitUntil } from '#tests/helpers/wait'

/**
 * A generated request id (a cuid).
 */
const GENERATED = /^[a-z0-9]{24}$/

/**
 * The real web server as in production (JSON lines on stdout), on a Redis
 * of its own; `run` makes its requests, and the server's output is
 * returned once it has stopped, so every line it was going to write is in.
 */
async function withProductionServer(
  run: (server: WebServerProcess, redis: PrivateRedis) => Promise<void>
) {
  const redis = new PrivateRedis()
  const server = new WebServerProcess()
  await redis.start()
  try {
    await server.start({ NODE_ENV: 'production', LOG_LEVEL: 'info', ...redis.workerEnv })
    await run(server, redis)
  } finally {
    await server.stop()
    await redis.close()
  }
  return server.output
}

/**
 * The response's id, after checking the request has exactly one access log
 * line in `output`.
 */
function theLineOf(output: string, requestId: string | undefined) {
  if (!requestId) throw new Error('The response has no X-Request-Id')
  const lines = requestLines(output, requestId)
  if (lines.length !== 1) {
    throw new Error(`${lines.length} access log lines for ${requestId}:\n${output}`)
  }
  return lines[0]
}

test.group('Logs: one JSON line per request', () => {
  test('pages, 404s, static files and streamed exports each log one line with their fields', async ({
    assert,
  }) => {
    const { user, tenant } = await createUser()
    await createClients(tenant, 3)
    const seen: Record<string, string> = {}

    const output = await withProductionServer(async (server) => {
      const get = async (name: string, path: string) => {
        const response = await fetch(server.url(path))
        await response.arrayBuffer()
        seen[name] = response.headers.get('x-request-id')!
        return response.status
      }
      assert.equal(await get('page', '/login?token=secret-in-the-query'), 200)
      assert.equal(await get('missing', '/no-such-page/abc?email=someone%40example.com'), 404)
      assert.equal(await get('static', '/vendor/bootstrap.min.css?v=1'), 200)

      const browser = new HttpAgent(undefined, server.url(''))
      await browser.logIn(user.email, STRONG_PASSWORD)
      const csv = await browser.get('/clients/export')
      assert.equal(csv.status, 200)
      assert.include(await csv.response.text(), '@example.com')
      seen.export = csv.response.headers.get('x-request-id')!
    })

    assert.containsSubset(theLineOf(output, seen.page), {
      level: 30,
      method: 'GET',
      route: '/login',
      status: 200,
      ip: '127.0.0.1',
    })
    assert.notProperty(theLineOf(output, seen.page), 'path')
    assert.containsSubset(theLineOf(output, seen.missing), {
      route: null,
      path: '/no-such-page/abc',
      status: 404,
    })
    assert.containsSubset(theLineOf(output, seen.static), {
      route: null,
      path: '/vendor/bootstrap.min.css',
      status: 200,
    })
    assert.containsSubset(theLineOf(output, seen.export), {
      route: '/clients/export',
      status: 200,
      user_id: user.id,
      tenant_id: tenant.id,
    })
    for (const id of Object.values(seen)) {
      assert.match(id, GENERATED)
      assert.isNumber(theLineOf(output, id).duration_ms)
    }
    // Query strings are never written.
    assert.notInclude(output, 'secret-in-the-query')
    assert.notInclude(output, 'someone')
  }).timeout(60_000)

  test('a password never reaches the log, nor does a token in a path', async ({ assert }) => {
    const { user } = await createUser()
    const wrongPassword = 'hunter2-wrong-and-secret'
    const ids: string[] = []

    const output = await withProductionServer(async (server) => {
      const browser = new HttpAgent(undefined, server.url(''))
      const refused = await browser.submit('/login', '/login', {
        email: user.email,
        password: wrongPassword,
      })
      assert.equal(refused.location, '/login')
      ids.push(refused.response.headers.get('x-request-id')!)
      await browser.logIn(user.email, STRONG_PASSWORD)
      // An unsubscribe link: its token is in the path.
      const unsubscribe = await fetch(server.url('/u/token-in-the-path-123'))
      await unsubscribe.arrayBuffer()
      ids.push(unsubscribe.headers.get('x-request-id')!)
    })

    assert.containsSubset(theLineOf(output, ids[0]), { method: 'POST', route: '/login' })
    assert.containsSubset(theLineOf(output, ids[1]), { route: '/u/:token' })
    for (const secret of [wrongPassword, STRONG_PASSWORD, 'token-in-the-path-123']) {
      assert.notInclude(output, secret)
    }
  }).timeout(60_000)

  test('a 500 logs its access line and its error line under the same request id', async ({
    assert,
  }) => {
    let requestId: string | null = null
    const output = await withProductionServer(async (server, redis) => {
      // Sessions live in Redis: without it the page cannot be served.
      await redis.stop()
      const response = await fetch(server.url('/login'))
      await response.arrayBuffer()
      assert.equal(response.status, 500)
      requestId = response.headers.get('x-request-id')
      await waitUntil('the error line', async () =>
        logLines(server.output).some((line) => line.level === 50 && line.request_id === requestId)
      )
    })

    assert.containsSubset(theLineOf(output, requestId!), { route: '/login', status: 500 })
    const errors = logLines(output).filter(
      (line) => line.level >= 50 && line.request_id === requestId
    )
    assert.isAbove(errors.length, 0, output)
    assert.notProperty(errors[0], 'x-request-id')
  }).timeout(90_000)
})

test.group('Logs: X-Request-Id', () => {
  const HOSTILE = {
    'JSON-breaking quotes': '"},{"level":60,"msg":"forged',
    '10 KB': 'x'.repeat(10_000),
    'non-ASCII': 'r\u00e9quest-\u00ff',
    'a tab and spaces': 'id\twith spaces',
    'encoded newlines': 'abc%0a%0d{"level":60}',
    'shell characters': '$(reboot);`id`',
  }
  const WELL_FORMED = ['proxy-7f3a.2', '0f9c2a4e-5b1d-4c3e-9a8f-1b2c3d4e5f60']

  test('from a client it is never taken; from the trusted proxy only when well formed', async ({
    assert,
  }) => {
    const answers: Array<{ sent: string; from: string; got: string }> = []
    const output = await withProductionServer(async (server) => {
      const send = async (sent: string, from: string) => {
        const response = await rawGet(server.url('/login'), { 'X-Request-Id': sent }, from)
        assert.equal(response.status, 200)
        answers.push({ sent, from, got: String(response.headers['x-request-id']) })
      }
      for (const value of [...Object.values(HOSTILE), ...WELL_FORMED]) {
        await send(value, '127.0.0.1')
        await send(value, TRUSTED_PROXY_ADDRESS)
      }
    })

    for (const { sent, from, got } of answers) {
      const accepted = from === TRUSTED_PROXY_ADDRESS && WELL_FORMED.includes(sent)
      if (accepted) assert.equal(got, sent)
      else assert.match(got, GENERATED, `${sent.slice(0, 40)} from ${from}`)
      assert.equal(theLineOf(output, got).ip, from)
    }
    for (const [name, value] of Object.entries(HOSTILE)) {
      assert.notInclude(output, value.slice(0, 100), name)
    }
    // Every line is one JSON object (logLines throws otherwise).
    assert.isAbove(logLines(output).length, answers.length)
  }).timeout(60_000)
})
