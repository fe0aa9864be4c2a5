import { execSync } from 'node:child_process'
import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ServiceProcess } from '#tests/helpers/processes'
import { APP_ROOT } from './boot_app.js'

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
  buildApp()
}

/**
 * `node ace build`, or an error with what it printed.
 */
export function buildApp() {
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
export class BenchWorker extends ServiceProcess {
  constructor(
    private env: Record<string, string> = {},
    args: string[] = [],
    nodeOptions: string[] = []
  ) {
    super(
      process.execPath,
      [
        ...(BENCH_BUILT ? PRODUCTION_NODE_OPTIONS : []),
        ...nodeOptions,
        BENCH_BUILT ? 'ace.js' : 'ace',
        'queue:listen',
        ...args,
      ],
      {
        name: 'The worker',
        cwd: fileURLToPath(BENCH_BUILT ? new URL('build/', APP_ROOT) : APP_ROOT),
        readyText: 'Worker started',
        keepOutput: 20_000,
      }
    )
  }

  /**
   * Resolves once the worker listens and has registered its schedulers.
   */
  async start(env: Record<string, string> = {}, timeoutMs = 60_000) {
    // A relative DB_DATABASE (tmp/…) must name the same SQLite file from build/.
    // lstat, not exists: on PostgreSQL tmp/ may not exist, and the link made by
    // the first pass then dangles (existsSync follows it and says false).
    const link = new URL('build/tmp', APP_ROOT)
    if (BENCH_BUILT && !lstatSync(link, { throwIfNoEntry: false })) {
      symlinkSync('../tmp', link)
    }
    const settings = { ...this.env, ...env }
    await super.start(
      BENCH_BUILT
        ? await productionEnvironment(settings)
        : { ...process.env, LOG_LEVEL: 'info', ...settings },
      timeoutMs
    )
  }
}
