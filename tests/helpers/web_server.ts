import { spawn, type ChildProcess } from 'node:child_process'
import app from '@adonisjs/core/services/app'
import { freePort } from '#tests/helpers/net'
import { waitUntil } from '#tests/helpers/wait'

/**
 * The real web server (bin/server.ts, as `npm start` runs its build) in a
 * process of the test's own, on a free port, with the environment the test
 * gives: for what only a whole process shows (boot warnings, surviving a
 * Redis outage), which the in-process test server cannot.
 */
export class WebServerProcess {
  port = 0
  output = ''
  #child?: ChildProcess
  #exited?: Promise<unknown>

  /**
   * `env` overrides the test environment; a variable set to undefined is
   * left out (with ENV_PATH pointing away from .env.test, it is unset).
   */
  async start(env: Record<string, string | undefined> = {}) {
    this.port = await freePort()
    this.output = ''
    const child = spawn(
      process.execPath,
      ['--import=ts-node-maintained/register/esm', 'bin/server.ts'],
      {
        cwd: app.makePath(),
        env: {
          ...process.env,
          HOST: '127.0.0.1',
          PORT: String(this.port),
          LOG_LEVEL: 'info',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    )
    this.#child = child
    this.#exited = new Promise((resolve) => child.once('exit', resolve))
    child.stdout!.on('data', (chunk) => (this.output += chunk))
    child.stderr!.on('data', (chunk) => (this.output += chunk))
    await waitUntil('the web server to start', async () => {
      if (child.exitCode !== null) throw new Error(`The web server exited:\n${this.output}`)
      return this.output.includes('started HTTP server')
    })
  }

  url(path: string) {
    return `http://127.0.0.1:${this.port}${path}`
  }

  async stop() {
    const child = this.#child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    await this.#exited
  }
}
