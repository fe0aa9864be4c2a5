import { test } from '@japa/runner'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import app from '@adonisjs/core/services/app'
import { waitUntil } from '#tests/helpers/wait'

const WARNING = 'APP_URL is https but the session cookie'

/**
 * A port nobody listens on, for a web server of the test's own.
 */
function freePort() {
  return new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts the real web server (bin/server.ts, as `npm start` runs its build)
 * with the given environment, requests a page, stops it, and returns what
 * it printed.
 */
async function runWebServer(env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    ['--import=ts-node-maintained/register/esm', 'bin/server.ts'],
    {
      cwd: app.makePath(),
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  )
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    await waitUntil('the web server to start', async () => output.includes('started HTTP server'))
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`http://127.0.0.1:${port}/login`)
      if (!response.ok) throw new Error(`GET /login answered ${response.status}:\n${output}`)
    }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
  return output
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
