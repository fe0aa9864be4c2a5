/*
 * A process that cannot start must exit, not idle: systemd, Docker and the
 * fleet restart a process that ends, never one that hangs on the Redis and
 * database connections it opened before it failed.
 */
import { test } from '@japa/runner'
import { createServer, type Server } from 'node:net'
import app from '@adonisjs/core/services/app'
import { freePort } from '#tests/helpers/net'
import { runCommand } from '#tests/helpers/processes'

/**
 * A port something else already listens on, for as long as the test runs.
 */
async function takenPort(cleanup: (task: () => Promise<void>) => void) {
  const port = await freePort()
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  cleanup(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return port
}

/**
 * Runs the process to its end; one that does not end is killed when the
 * test gives up on it, and the test fails saying so.
 */
async function runToEnd(args: string[], env: Record<string, string>) {
  try {
    return await runCommand(process.execPath, args, {
      cwd: app.makePath(),
      env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      signal: AbortSignal.timeout(60_000),
    })
  } catch (error: any) {
    if (error.name === 'AbortError') throw new Error(`${args.join(' ')} did not exit`)
    throw error
  }
}

test.group('A process that cannot start', () => {
  test('a web server whose port is taken exits with code 1', async ({ assert, cleanup }) => {
    const port = await takenPort(cleanup)
    const { code, output } = await runToEnd(
      ['--import=ts-node-maintained/register/esm', 'bin/server.ts'],
      { PORT: String(port) }
    )
    assert.equal(code, 1, output)
    assert.include(output, 'EADDRINUSE')
  }).timeout(90_000)

  test('a worker whose health and metrics port is taken exits with code 1 and says why', async ({
    assert,
    cleanup,
  }) => {
    const port = await takenPort(cleanup)
    const { code, output } = await runToEnd(['ace', 'queue:listen', '--queue=cannot-start'], {
      NODE_ENV: 'test',
      WORKER_HTTP_PORT: String(port),
    })
    assert.equal(code, 1, output)
    assert.include(output, `port ${port} on 127.0.0.1 is taken by another process`)
    assert.notInclude(output, 'Worker started')
  }).timeout(90_000)
})
