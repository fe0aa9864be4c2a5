import { spawn, type ChildProcess } from 'node:child_process'
import app from '@adonisjs/core/services/app'

/**
 * Runs the real worker (`node ace queue:listen`) as a child process, with
 * the test environment, exactly as operators run it.
 */
export class WorkerProcess {
  #child?: ChildProcess
  output = ''

  constructor(private args: string[] = []) {}

  get pid() {
    return this.#child?.pid
  }

  start(env: Record<string, string> = {}) {
    // A restarted worker must say "Worker started" again.
    this.output = ''
    const child = spawn(process.execPath, ['ace', 'queue:listen', ...this.args], {
      cwd: app.makePath(),
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.#child = child

    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`The worker did not start within 30 s:\n${this.output}`))
      }, 30_000)
      const onOutput = (chunk: Buffer) => {
        this.output += chunk.toString()
        if (this.output.includes('Worker started')) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout!.on('data', onOutput)
      child.stderr!.on('data', onOutput)
      child.once('exit', (code) =>
        reject(new Error(`The worker exited with code ${code}:\n${this.output}`))
      )
    })
  }

  /**
   * Sends a signal and resolves with the exit code.
   */
  stop(signal: NodeJS.Signals = 'SIGTERM') {
    const child = this.#child
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return Promise.resolve(child?.exitCode ?? null)
    }
    return new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code))
      child.kill(signal)
    })
  }
}
