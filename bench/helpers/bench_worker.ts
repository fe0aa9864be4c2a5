import { execSync, spawn, type ChildProcess } from 'node:child_process'
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
 * Benchmarks run workers the way production does (README, "Running in
 * production"): compiled (`node ace build`, see compileApp), with
 * NODE_ENV=production and the workers' heap budget. BENCH_BUILT=0 runs the
 * TypeScript sources under ts-node instead.
 */
export const BENCH_BUILT = process.env.BENCH_BUILT !== '0'

/**
 * What the README tells operators to start workers with: a heap budget
 * makes V8 collect garbage before the old generation grows to several times
 * the live heap (about 45 MB while sending). Under ts-node the compiler
 * needs more.
 */
const PRODUCTION_NODE_OPTIONS = (
  process.env.BENCH_WORKER_NODE_OPTIONS ?? '--max-old-space-size=128'
)
  .split(' ')
  .filter(Boolean)

/**
 * Builds the app into build/, for BENCH_BUILT workers (unless BENCH_REBUILD=0
 * and a build exists).
 */
export function compileApp() {
  if (!BENCH_BUILT) return
  // BENCH_REBUILD=0 reuses the last build, for runs one after the other on
  // unchanged sources.
  if (process.env.BENCH_REBUILD === '0' && existsSync(new URL('build/ace.js', APP_ROOT))) return
  console.log('Compiling the app for the workers (node ace build)…')
  try {
    execSync('node ace build', { cwd: fileURLToPath(APP_ROOT), stdio: 'pipe' })
  } catch (error: any) {
    throw new Error(`node ace build failed:\n${error.stdout}${error.stderr}`)
  }
}

/**
 * The committed test configuration's values (the build has no .env file),
 * the benchmark's own settings on top, in production mode.
 */
export async function productionEnvironment(env: Record<string, string>) {
  const { EnvParser } = await import('@adonisjs/env')
  const committed = await new EnvParser(
    readFileSync(new URL('.env.test', APP_ROOT), 'utf8')
  ).parse()
  return { ...committed, ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', ...env }
}

/**
 * A real worker (`node ace queue:listen`) for a benchmark, run as production
 * runs it (BENCH_BUILT): it inherits the benchmark's environment (its
 * database, Redis DB and SMTP port) plus `env`. `nodeOptions` go to node
 * (a CPU profile, say).
 */
export class BenchWorker {
  #process?: ChildProcess
  #log = ''
  #peakKb = 0

  constructor(
    private env: Record<string, string> = {},
    private args: string[] = [],
    private nodeOptions: string[] = []
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
    const cwd = BENCH_BUILT ? new URL('build/', APP_ROOT) : APP_ROOT
    // A relative DB_DATABASE (tmp/…) must name the same SQLite file from build/.
    if (BENCH_BUILT && !existsSync(new URL('build/tmp', APP_ROOT))) {
      symlinkSync('../tmp', new URL('build/tmp', APP_ROOT))
    }
    this.#log = ''
    const node = [...(BENCH_BUILT ? PRODUCTION_NODE_OPTIONS : []), ...this.nodeOptions]
    const child = spawn(
      process.execPath,
      [...node, BENCH_BUILT ? 'ace.js' : 'ace', 'queue:listen', ...this.args],
      {
        cwd: fileURLToPath(cwd),
        env: BENCH_BUILT
          ? await productionEnvironment(this.env)
          : { ...process.env, LOG_LEVEL: 'info', ...this.env },
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
