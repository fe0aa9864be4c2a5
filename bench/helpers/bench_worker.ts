import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, symlinkSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { APP_ROOT } from './boot_app.js'

const STARTED = 'Worker started'

/**
 * The app boots from .env.test in benchmarks, whose timeouts are cut short
 * for the test suite; a benchmark measures with the production defaults.
 * Sets them in this process's environment, which its workers inherit.
 */
export function useProductionTimings() {
  Object.assign(process.env, {
    QUEUE_STALLED_INTERVAL: '30s',
    SEND_STALE_AFTER: '2m',
    SEND_RETRY_DELAY: '30s',
    SEND_MAX_ATTEMPTS: '4',
    SEND_MAX_ERRORS: '1000',
    SMTP_CONNECTION_TIMEOUT: '10s',
    SMTP_GREETING_TIMEOUT: '10s',
    SMTP_SOCKET_TIMEOUT: '30s',
  })
}
const LOG_TAIL = 20_000

/**
 * A real worker (`node ace queue:listen`) for a benchmark: it inherits the
 * benchmark's environment (its database, Redis DB and SMTP port) plus
 * `env`. `BENCH_BUILT=1` runs the compiled one from `build/` (after
 * `node ace build`), as production does, instead of compiling TypeScript on
 * the fly. bench/send_pipeline.ts has its own copy of this and could use it.
 */
export class BenchWorker {
  #process?: ChildProcess
  #log = ''
  #peakKb = 0

  constructor(
    private env: Record<string, string> = {},
    private args: string[] = []
  ) {}

  /**
   * The end of what the worker printed, for error messages.
   */
  get log() {
    return this.#log
  }

  get pid() {
    return this.#process?.pid
  }

  get running() {
    const child = this.#process
    return Boolean(child) && child!.exitCode === null && child!.signalCode === null
  }

  /**
   * Resolves once the worker listens and has registered its schedulers.
   */
  async start(timeoutMs = 60_000) {
    const built = Boolean(process.env.BENCH_BUILT)
    const cwd = built ? new URL('build/', APP_ROOT) : APP_ROOT
    // A relative DB_DATABASE (tmp/…) must name the same SQLite file from build/.
    if (built && !existsSync(new URL('build/tmp', APP_ROOT))) {
      symlinkSync('../tmp', new URL('build/tmp', APP_ROOT))
    }
    this.#log = ''
    const child = spawn(
      process.execPath,
      [built ? 'ace.js' : 'ace', 'queue:listen', ...this.args],
      {
        cwd: fileURLToPath(cwd),
        env: { ...process.env, LOG_LEVEL: 'info', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    )
    this.#process = child

    await new Promise<void>((resolve, reject) => {
      const giveUp = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`The worker did not start within ${timeoutMs / 1000} s:\n${this.#log}`))
      }, timeoutMs)
      const record = (chunk: Buffer) => {
        this.#log = (this.#log + chunk.toString()).slice(-LOG_TAIL)
        if (this.#log.includes(STARTED)) {
          clearTimeout(giveUp)
          resolve()
        }
      }
      child.stdout!.on('data', record)
      child.stderr!.on('data', record)
      child.once('exit', (code, signal) => {
        clearTimeout(giveUp)
        reject(new Error(`The worker exited (${code ?? signal}):\n${this.#log}`))
      })
    })
  }

  /**
   * The kernel's high-water mark of the worker's resident memory, in kB.
   */
  peakMemoryKb() {
    const pid = this.#process?.pid
    if (pid && this.running) {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (match) this.#peakKb = Math.max(this.#peakKb, Number(match[1]))
    }
    return this.#peakKb
  }

  /**
   * SIGTERM: the worker finishes the message in hand and exits.
   */
  async stop() {
    const child = this.#process
    if (!child || !this.running) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
}
