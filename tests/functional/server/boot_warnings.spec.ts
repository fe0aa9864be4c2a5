import { test } from '@japa/runner'
import { WebServerProcess } from '#tests/helpers/web_server'

const WARNING = 'APP_URL is https but the session cookie'

/**
 * Starts the real web server with the given environment, requests a page
 * twice, stops it, and returns what it printed.
 */
async function runWebServer(env: Record<string, string>) {
  const server = new WebServerProcess()
  await server.start(env)
  try {
    for (let i = 0; i < 2; i++) {
      const response = await fetch(server.url('/login'))
      if (!response.ok) throw new Error(`GET /login answered ${response.status}:\n${server.output}`)
    }
  } finally {
    await server.stop()
  }
  return server.output
}

test.group('Web server: boot warnings', () => {
  test('APP_URL https with cookies not Secure is said once, at start', async ({ assert }) => {
    const output = await runWebServer({
      NODE_ENV: 'development',
      APP_URL: 'https://mailings.example',
    })
    assert.equal(output.split(WARNING).length - 1, 1, output)
    assert.include(output, 'Set NODE_ENV=production in production.')
  })

  test('nothing to say with NODE_ENV={NODE_ENV} and APP_URL={APP_URL}')
    .with([
      { NODE_ENV: 'development', APP_URL: 'http://localhost:3333' },
      { NODE_ENV: 'production', APP_URL: 'https://mailings.example' },
    ])
    .run(async ({ assert }, env) => {
      const output = await runWebServer(env)
      assert.notInclude(output, WARNING)
    })
})

test.group('Web server: settings refused at boot', () => {
  test('SESSION_DRIVER=memory in production stops the server with a sentence', async ({
    assert,
  }) => {
    const server = new WebServerProcess()
    await assert.rejects(
      () => server.start({ NODE_ENV: 'production', SESSION_DRIVER: 'memory' }),
      /SESSION_DRIVER=memory is for tests/
    )
    await server.stop()
  })
})
