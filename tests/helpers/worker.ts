import app from '@adonisjs/core/services/app'
import { ServiceProcess } from '#tests/helpers/processes'

/**
 * The real worker (`node ace queue:listen`) as a child process, with the
 * test environment, exactly as operators run it.
 */
export class WorkerProcess extends ServiceProcess {
  constructor(args: string[] = []) {
    super(process.execPath, ['ace', 'queue:listen', ...args], {
      name: `queue:listen ${args.join(' ')}`.trim(),
      cwd: app.makePath(),
      readyText: 'Worker started',
    })
  }

  /**
   * Starts it with the test environment (read now: a suite may have changed
   * it since) and `env` on top; resolves once it says "Worker started".
   */
  start(env: Record<string, string | undefined> = {}, timeoutMs = 30_000) {
    return super.start({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env }, timeoutMs)
  }
}
