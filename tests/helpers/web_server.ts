import app from '@adonisjs/core/services/app'
import { freePort } from '#tests/helpers/net'
import { ServiceProcess } from '#tests/helpers/processes'
import { PrivateRedis } from '#tests/helpers/private_redis'

/**
 * The real web server (bin/server.ts, as `npm start` runs its build) in a
 * process of the test's own, on a free port, with the environment the test
 * gives: for what only a whole process shows (boot warnings, surviving a
 * Redis outage), which the in-process test server cannot.
 */
export class WebServerProcess extends ServiceProcess {
  port = 0

  constructor() {
    super(process.execPath, ['--import=ts-node-maintained/register/esm', 'bin/server.ts'], {
      name: 'The web server',
      cwd: app.makePath(),
      readyText: 'started HTTP server',
    })
  }

  /**
   * `env` overrides the test environment; a variable set to undefined is
   * left out (with ENV_PATH pointing away from .env.test, it is unset).
   */
  async start(env: Record<string, string | undefined> = {}, timeoutMs = 30_000) {
    this.port = await freePort()
    await super.start(
      {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(this.port),
        LOG_LEVEL: 'info',
        ...env,
      },
      timeoutMs
    )
  }

  url(path: string) {
    return `http://127.0.0.1:${this.port}${path}`
  }
}

/**
 * A web server process on a Redis of the test's own, which the test may
 * stop and start again; both end with the test (`cleanup`). With
 * `redisAway` the server starts while that Redis is stopped (its port is
 * known, nobody answers there).
 */
export async function webServerOnPrivateRedis(
  cleanup: (task: () => Promise<void>) => void,
  env: Record<string, string | undefined> = {},
  { redisAway = false } = {}
) {
  const redis = new PrivateRedis()
  const server = new WebServerProcess()
  cleanup(async () => {
    await server.stop()
    await redis.close()
  })
  await redis.start()
  if (redisAway) await redis.stop()
  await server.start({ ...redis.workerEnv, ...env })
  return { redis, server }
}
