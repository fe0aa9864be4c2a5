/*
 * The fleet test (issue 13, item 5), shared by `npm run bench:fleet`
 * (bench/fleet.ts, 50,000 recipients) and the CI-sized Japa suite `fleet`
 * (tests/fleet/fleet.spec.ts, 20,000): the app as production runs it, from
 * the build, on its own PostgreSQL database and its own Redis (append-only
 * file on, noeviction), with 2 web processes behind a round-robin proxy,
 * 3 workers that send and 2 that only schedule (`queue:listen --no-schedule`
 * and `--schedule-only`), into an SMTP sink that counts each recipient's
 * messages. A mailing is created and started over the API through the
 * proxy; while it sends, faults are injected at random moments (a seeded
 * PRNG: the seed is printed and FLEET_SEED replays it). The checks: nobody
 * lost, duplicates only within what the faults could cause, one run,
 * completed within a bound, the API's numbers equal to the sink's.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { execSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import knex, { type Knex } from 'knex'
import { FleetProcess, fleetRedis } from './processes.js'
import { RoundRobinProxy } from './proxy.js'
import { CountingSink } from './sink.js'

const APP_ROOT = new URL('../../../', import.meta.url)
const BUILD = fileURLToPath(new URL('build/', APP_ROOT))
/**
 * Every process's output, one file each, kept after the run
 * (tmp/fleet-logs-<proxy port>/).
 */
const logsFolder = (options: FleetOptions) =>
  new URL(`tmp/fleet-logs-${options.ports.proxy}/`, APP_ROOT)

export interface FleetOptions {
  recipients: number
  seed: number
  /** Fault names (FAULTS), injected in this order at random moments. */
  faults: string[]
  database: string
  pg: { host: string; port: number; user: string; password: string }
  ports: { proxy: number; web: [number, number]; smtp: number; redis: number }
  workers: number
  schedulers: number
  /** From the start request to the run's completion, in ms. */
  completionBoundMs: number
  /** Skip `node ace build` (a build of the current sources is already there). */
  skipBuild: boolean
  log: (line: string) => void
}

/**
 * Production settings shortened so that a fault heals within seconds, not
 * minutes; each is what an operator may set (README, docs/sending.md).
 */
export const FLEET_TIMINGS = {
  QUEUE_STALLED_INTERVAL: '5s',
  SEND_STALE_AFTER: '10s',
  SEND_RECONCILE_INTERVAL: '5s',
  SEND_RETRY_DELAY: '5s',
  SEND_MAX_ATTEMPTS: '4',
  SCHEDULER_INTERVAL: '1s',
  QUEUE_SHUTDOWN_TIMEOUT: '10s',
  QUEUE_CONCURRENCY: '5',
  SMTP_POOL_SIZE: '5',
  SMTP_CONNECTION_TIMEOUT: '10s',
  SMTP_GREETING_TIMEOUT: '10s',
  SMTP_SOCKET_TIMEOUT: '10s',
}

/**
 * How many messages a fault may make someone get twice. SMTP cannot do
 * better than this: a message the server accepted whose acceptance was not
 * written down (the attempt log row) before its sender died is sent again.
 * A sending batch holds one message at a time, so a worker holds at most
 * QUEUE_CONCURRENCY of them; a mail server cutting its connections may do
 * it to one message per connection it cuts (SMTP_POOL_SIZE per worker).
 */
const IN_HAND_PER_WORKER = Number(FLEET_TIMINGS.QUEUE_CONCURRENCY)

export const DEFAULT_FAULTS = ['kill-worker', 'restart-web', 'restart-redis', 'cut-pg']

/**
 * The completion bound the README states: two minutes to start and heal,
 * plus 20 ms a message (50 a second: this 2-core machine sends 500–800 a
 * second alone, and about 100 with a dozen other processes competing for
 * its cores), so only a run that is stuck or crawling misses it.
 */
export function completionBoundFor(recipients: number) {
  return 120_000 + recipients * 20
}

/**
 * Options from FLEET_* variables over the defaults given.
 */
export function fleetOptionsFromEnv(defaults: {
  recipients: number
  database: string
  ports: FleetOptions['ports']
  log: (line: string) => void
}): FleetOptions {
  const e = process.env
  const recipients = Number(e.FLEET_RECIPIENTS ?? defaults.recipients)
  const proxy = Number(e.FLEET_PROXY_PORT ?? defaults.ports.proxy)
  return {
    recipients,
    seed: Number(e.FLEET_SEED ?? Math.floor(Math.random() * 2 ** 31)),
    faults: (e.FLEET_FAULTS ?? DEFAULT_FAULTS.join(','))
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    database: e.FLEET_DATABASE ?? defaults.database,
    pg: {
      host: e.DB_HOST ?? '127.0.0.1',
      port: Number(e.DB_PORT ?? 5432),
      user: e.DB_USER ?? 'postgres',
      password: e.DB_PASSWORD ?? '',
    },
    ports: {
      proxy,
      web: [
        Number(e.FLEET_WEB_PORT ?? defaults.ports.web[0]),
        Number(e.FLEET_WEB_PORT ?? defaults.ports.web[0]) + 1,
      ],
      smtp: Number(e.FLEET_SMTP_PORT ?? defaults.ports.smtp),
      redis: Number(e.FLEET_REDIS_PORT ?? defaults.ports.redis),
    },
    workers: Number(e.FLEET_WORKERS ?? 3),
    schedulers: Number(e.FLEET_SCHEDULERS ?? 2),
    completionBoundMs: Number(e.FLEET_BOUND_MS ?? completionBoundFor(recipients)),
    skipBuild: e.FLEET_SKIP_BUILD === '1',
    log: defaults.log,
  }
}

/**
 * mulberry32: a small seeded PRNG, so a run's fault moments can be replayed.
 */
function prng(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface FaultOutcome {
  outcome: string
  /** How many duplicates this fault may cause (see IN_HAND_PER_WORKER). */
  duplicatesAllowed: number
}

export interface FaultRecord extends FaultOutcome {
  fault: string
  atSeconds: number
  progress: string
  /**
   * Duplicates the sink saw from this fault until the next one (or the end):
   * when they arrived, not which fault caused them.
   */
  duplicatesAfter: number
}

export interface FleetReport {
  seed: number
  recipients: number
  faults: FaultRecord[]
  durationMs: number
  boundMs: number
  lost: string[]
  duplicates: number
  duplicatesAllowed: number
  runs: number
  apiTotals: Record<string, number>
  sinkUnique: number
  sinkAccepted: number
  deliveries: Record<string, number>
  proxyFailovers: number
  failures: string[]
}

/**
 * The fleet's environment: .env.example (what an operator starts from),
 * production mode, the fleet's database, Redis and sink, and FLEET_TIMINGS.
 */
async function fleetEnvironment(options: FleetOptions): Promise<Record<string, string>> {
  const { EnvParser } = await import('@adonisjs/env')
  const example = await new EnvParser(
    readFileSync(new URL('.env.example', APP_ROOT), 'utf8')
  ).parse()
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...example,
    ...FLEET_TIMINGS,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    APP_KEY: 'fleet-test-only-key-7c1e5a9d3b2f4e6a8c0d',
    HOST: '127.0.0.1',
    APP_URL: `http://127.0.0.1:${options.ports.proxy}`,
    TRUSTED_PROXIES: 'loopback',
    DB_CONNECTION: 'postgres',
    DB_HOST: options.pg.host,
    DB_PORT: String(options.pg.port),
    DB_USER: options.pg.user,
    DB_PASSWORD: options.pg.password,
    DB_DATABASE: options.database,
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(options.ports.redis),
    REDIS_DB: '0',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(options.ports.smtp),
    // The API's quota is not what this test is about: the harness polls.
    UPLOADS_PATH: fileURLToPath(new URL('tmp/fleet-uploads', APP_ROOT)),
  }
}

const WORKER_NODE_OPTIONS = ['--max-old-space-size=128']

/**
 * Everything running: processes, proxy, sink, and a database connection of
 * the harness's own for seeding, checks and the cut-pg fault.
 */
export class Fleet {
  readonly sink = new CountingSink()
  readonly webs: FleetProcess[] = []
  readonly workers: FleetProcess[] = []
  readonly schedulers: FleetProcess[] = []
  readonly redis: FleetProcess
  readonly proxy: RoundRobinProxy
  #db?: Knex
  env: Record<string, string> = {}
  token = ''

  constructor(readonly options: FleetOptions) {
    this.redis = fleetRedis(
      options.ports.redis,
      fileURLToPath(new URL(`tmp/fleet-redis-${options.ports.redis}`, APP_ROOT))
    )
    this.proxy = new RoundRobinProxy(options.ports.web)
  }

  log(line: string) {
    this.options.log(line)
  }

  async up() {
    const { options } = this
    if (!options.skipBuild) {
      this.log('Building the app (node ace build)…')
      execSync('node ace build', { cwd: fileURLToPath(APP_ROOT), stdio: 'pipe' })
    }
    this.env = await fleetEnvironment(options)
    await this.#createDatabase()
    await this.redis.start()
    await this.sink.start(options.ports.smtp)
    this.log('Migrating and creating the owner…')
    await this.#ace(['migration:run', '--force'])
    await this.#ace([
      'users:create',
      '--email=fleet-owner@example.com',
      '--password=granite orchid saffron fleet',
      '--name=Fleet Owner',
    ])
    // One connection, so that cutting "all but the harness's own" is exact.
    this.#db = knex({
      client: 'pg',
      connection: { ...options.pg, database: options.database },
      pool: { min: 1, max: 1 },
    })

    const logs = logsFolder(options)
    rmSync(logs, { recursive: true, force: true })
    mkdirSync(logs, { recursive: true })
    const logFile = (name: string) => fileURLToPath(new URL(`${name}.log`, logs))
    const ace = (name: string, args: string[]) =>
      new FleetProcess(name, process.execPath, [...WORKER_NODE_OPTIONS, 'ace.js', ...args], {
        cwd: BUILD,
        env: this.env,
        readyText: 'Worker started',
        logFile: logFile(name),
      })
    for (const [index, port] of options.ports.web.entries()) {
      this.webs.push(
        new FleetProcess(`web-${index + 1}`, process.execPath, ['bin/server.js'], {
          cwd: BUILD,
          env: { ...this.env, PORT: String(port) },
          readyText: 'started HTTP server',
          logFile: logFile(`web-${index + 1}`),
        })
      )
    }
    for (let index = 0; index < options.workers; index++) {
      this.workers.push(ace(`worker-${index + 1}`, ['queue:listen', '--no-schedule']))
    }
    for (let index = 0; index < options.schedulers; index++) {
      this.schedulers.push(ace(`scheduler-${index + 1}`, ['queue:listen', '--schedule-only']))
    }
    this.log(
      `Starting ${this.webs.length} web, ${this.workers.length} workers, ${this.schedulers.length} schedulers…`
    )
    await Promise.all([...this.webs, ...this.schedulers, ...this.workers].map((p) => p.start()))
    await this.proxy.start(options.ports.proxy)
  }

  async down() {
    await Promise.all(
      [...this.workers, ...this.schedulers, ...this.webs].map((p) => p.stop('SIGTERM', 15_000))
    )
    await this.proxy.stop()
    await this.sink.stop()
    await this.redis.stop('SIGTERM', 10_000)
    await this.#db?.destroy().catch(() => {})
  }

  /**
   * Rows of a query on the fleet's database (`?` placeholders).
   */
  async query(sql: string, bindings: readonly any[] = []): Promise<any[]> {
    const result = await this.#db!.raw(sql, bindings as any[])
    return result.rows
  }

  async #onServer(statements: string[]) {
    const admin = knex({
      client: 'pg',
      connection: { ...this.options.pg, database: 'postgres' },
      pool: { min: 1, max: 1 },
    })
    try {
      for (const statement of statements) await admin.raw(statement)
    } finally {
      await admin.destroy()
    }
  }

  async #createDatabase() {
    const name = this.options.database
    await this.#onServer([
      `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
      `CREATE DATABASE "${name}"`,
    ])
  }

  async dropDatabase() {
    await this.#onServer([`DROP DATABASE IF EXISTS "${this.options.database}" WITH (FORCE)`])
  }

  async #ace(args: string[]) {
    try {
      execSync(
        [process.execPath, 'ace.js', ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' '),
        { cwd: BUILD, env: this.env, stdio: 'pipe' }
      )
    } catch (error: any) {
      throw new Error(`node ace ${args[0]} failed:\n${error.stdout}${error.stderr}`)
    }
  }

  /**
   * The owner's API token (a personal access token as Settings → API tokens
   * makes it: only the hash is stored) and the recipients, written straight
   * into the database: seeding 50,000 clients over the API would measure the
   * API, not the fleet.
   */
  async seed() {
    const rows = await this.query(
      `SELECT id, tenant_id FROM users WHERE email = 'fleet-owner@example.com'`
    )
    const [{ id: userId, tenant_id: tenantId }] = rows
    const secret = randomBytes(32).toString('base64url')
    const abilities = ['clients:read', 'messages:read', 'messages:write']
    const token = await this.query(
      `INSERT INTO auth_access_tokens (tokenable_id, type, name, hash, abilities, created_at, updated_at)
       VALUES (?, 'api_token', 'fleet', ?, ?, now(), now()) RETURNING id`,
      [
        userId,
        createHash('sha256').update(secret).digest('hex'),
        JSON.stringify([...abilities, 'mailings:read', 'mailings:write']),
      ]
    )
    const id = Buffer.from(String(token[0].id)).toString('base64url')
    this.token = `mlg_${id}.${Buffer.from(secret).toString('base64url')}`
    await this.query(
      `INSERT INTO clients (tenant_id, email, full_name, created_at, updated_at)
       SELECT ?, 'r' || g || '@fleet.test', 'Recipient ' || g, now(), now()
       FROM generate_series(1, ?::int) AS g`,
      [tenantId, this.options.recipients]
    )
  }

  /**
   * An API call through the proxy, retried while the fleet is restarting a
   * part (a refused or reset connection, 502, 503); POSTs carry one
   * Idempotency-Key across the retries, so a retried start is one start.
   */
  async api(method: string, path: string, body?: unknown) {
    const key = randomUUID()
    let last = ''
    for (let attempt = 0; attempt < 60; attempt++) {
      try {
        const response = await fetch(`http://127.0.0.1:${this.options.ports.proxy}/api/v1${path}`, {
          method,
          headers: {
            'authorization': `Bearer ${this.token}`,
            'content-type': 'application/json',
            'accept': 'application/json',
            ...(method === 'POST' ? { 'idempotency-key': key } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        })
        const text = await response.text()
        if (response.status < 500 && response.status !== 409) {
          if (response.status >= 400)
            throw new Error(`${method} ${path}: ${response.status} ${text}`)
          return JSON.parse(text)
        }
        last = `${response.status} ${text.slice(0, 300)}`
      } catch (error: any) {
        if (String(error.message).startsWith(`${method} ${path}:`)) throw error
        last = String(error.cause?.code ?? error.message)
      }
      await sleep(1000)
    }
    throw new Error(`${method} ${path} kept failing: ${last}`)
  }

  /**
   * Makes the fleet's database refuse new connections and cuts the open
   * ones for `ms`, then lets them in again; returns how many were cut.
   */
  async databaseOutage(ms: number) {
    const name = this.options.database
    await this.#onServer([`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`])
    try {
      const cut = await this.cutDatabaseConnections()
      await sleep(ms)
      return cut
    } finally {
      await this.#onServer([`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`])
    }
  }

  /**
   * Cuts every connection to the fleet's database but the harness's own.
   */
  async cutDatabaseConnections() {
    const rows = await this.query(
      `SELECT count(pg_terminate_backend(pid)) AS cut FROM pg_stat_activity
       WHERE datname = ? AND pid <> pg_backend_pid()`,
      [this.options.database]
    )
    return Number(rows[0].cut)
  }
}

type Fault = (fleet: Fleet, pick: <T>(list: T[]) => T) => Promise<FaultOutcome>

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1)

/**
 * Restarts a process: `signal`, then started again as before.
 */
async function restart(process: FleetProcess, signal: NodeJS.Signals) {
  const before = process.pid
  const began = performance.now()
  await process.stop(signal)
  await process.start()
  return `${process.name} pid ${before} ${signal === 'SIGKILL' ? 'killed' : 'stopped'}, back as pid ${process.pid} after ${seconds(began)} s`
}

/**
 * The faults the harness knows, by the name FLEET_FAULTS uses. Add one
 * here: it gets the fleet and a seeded chooser, does its damage, waits
 * until the part is back, and says what happened and how many duplicates
 * it may cause.
 */
export const FAULTS: Record<string, Fault> = {
  'kill-worker': async (fleet, pick) => ({
    outcome: await restart(pick(fleet.workers), 'SIGKILL'),
    duplicatesAllowed: IN_HAND_PER_WORKER,
  }),
  // Frozen (a stalled VM, a long GC pause) past SEND_STALE_AFTER: its jobs
  // and claims are taken over, then it wakes up holding them.
  'freeze-worker': async (fleet, pick) => {
    const worker = pick(fleet.workers)
    const began = performance.now()
    worker.signal('SIGSTOP')
    await sleep(15_000)
    worker.signal('SIGCONT')
    return {
      outcome: `${worker.name} pid ${worker.pid} stopped (SIGSTOP) for ${seconds(began)} s, then continued`,
      duplicatesAllowed: IN_HAND_PER_WORKER,
    }
  },
  'restart-worker': async (fleet, pick) => ({
    outcome: await restart(pick(fleet.workers), 'SIGTERM'),
    duplicatesAllowed: 0,
  }),
  'restart-web': async (fleet, pick) => ({
    outcome: await restart(pick(fleet.webs), 'SIGTERM'),
    duplicatesAllowed: 0,
  }),
  'kill-web': async (fleet, pick) => ({
    outcome: await restart(pick(fleet.webs), 'SIGKILL'),
    duplicatesAllowed: 0,
  }),
  'kill-scheduler': async (fleet, pick) => ({
    outcome: await restart(pick(fleet.schedulers), 'SIGKILL'),
    duplicatesAllowed: 0,
  }),
  // SHUTDOWN on SIGTERM: the append-only file is flushed, nothing is lost.
  'restart-redis': async (fleet) => {
    const outcome = await restart(fleet.redis, 'SIGTERM')
    return { outcome: `Redis ${outcome.replace(/^\S+ /, '')}`, duplicatesAllowed: 0 }
  },
  // A crash: up to a second of writes (appendfsync everysec) is lost.
  'kill-redis': async (fleet) => {
    const outcome = await restart(fleet.redis, 'SIGKILL')
    return { outcome: `Redis ${outcome.replace(/^\S+ /, '')}`, duplicatesAllowed: 0 }
  },
  // Redis away for a while, not just restarted: jobs' locks lapse meanwhile.
  'redis-outage': async (fleet) => {
    const began = performance.now()
    await fleet.redis.stop('SIGTERM')
    await sleep(15_000)
    await fleet.redis.start()
    return { outcome: `Redis down for ${seconds(began)} s`, duplicatesAllowed: 0 }
  },
  // The fleet's database refusing connections for 10 s after cutting them
  // (a restart or failover; the server itself is shared, so only this
  // database goes away). Longer than the attempt log's retries: a message
  // accepted in that time may go again, one per running batch.
  'pg-outage': async (fleet) => {
    const began = performance.now()
    const cut = await fleet.databaseOutage(10_000)
    return {
      outcome: `database refused connections for ${seconds(began)} s (${cut} cut)`,
      duplicatesAllowed: IN_HAND_PER_WORKER * fleet.workers.length,
    }
  },
  'cut-pg': async (fleet) => ({
    outcome: `${await fleet.cutDatabaseConnections()} PostgreSQL connections cut`,
    duplicatesAllowed: 0,
  }),
  'smtp-refuse': async (fleet) => {
    const before = fleet.sink.refused
    fleet.sink.refuseFor(3000)
    await sleep(3000)
    return {
      outcome: `sink answered 451 for 3 s (${fleet.sink.refused - before} messages refused)`,
      duplicatesAllowed: 0,
    }
  },
  // Accepted messages whose 250 was lost with the connection are sent again.
  'smtp-drop': async (fleet) => {
    const cut = fleet.sink.dropFor(3000)
    await sleep(3000)
    return {
      outcome: `sink cut ${cut} connections and refused new ones for 3 s`,
      duplicatesAllowed: cut,
    }
  },
}

/**
 * Runs the whole test and returns what it found; `failures` lists every
 * check that did not hold (empty: the fleet passed).
 */
export async function runFleet(options: FleetOptions): Promise<FleetReport> {
  const unknown = options.faults.filter((name) => !FAULTS[name])
  if (unknown.length > 0) {
    throw new Error(
      `Unknown fault(s) ${unknown.join(', ')}; known: ${Object.keys(FAULTS).join(', ')}`
    )
  }
  const random = prng(options.seed)
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]
  options.log(
    `Fleet: ${options.recipients} recipients, seed ${options.seed} (FLEET_SEED=${options.seed} replays it), faults ${options.faults.join(',')}`
  )
  const fleet = new Fleet(options)
  try {
    await fleet.up()
    await fleet.seed()
    return await sendUnderFaults(fleet, random, pick)
  } catch (error) {
    const logs = [...fleet.workers, ...fleet.schedulers, ...fleet.webs]
      .map((p) => `--- ${p.name}\n${p.log.slice(-3000)}`)
      .join('\n')
    options.log(logs)
    throw error
  } finally {
    await fleet.down()
    if (process.env.FLEET_KEEP_DATABASE !== '1') await fleet.dropDatabase()
  }
}

async function sendUnderFaults(
  fleet: Fleet,
  random: () => number,
  pick: <T>(list: T[]) => T
): Promise<FleetReport> {
  const { options, sink } = fleet
  const message = await fleet.api('POST', '/messages', {
    subject: 'Fleet test for {{ client.full_name }}',
    body_text: 'Hello {{ client.full_name }}.\n\nUnsubscribe: {{ unsubscribe_url }}',
  })
  const tomorrow = new Date(Date.now() + 24 * 3600_000)
  const mailing = await fleet.api('POST', '/mailings', {
    name: `Fleet ${options.seed}`,
    message_id: message.id,
    audience: 'all',
    periodicity: 'once',
    start_at: tomorrow.toISOString().slice(0, 19) + 'Z',
    end_at: new Date(tomorrow.getTime() + 3600_000).toISOString().slice(0, 19) + 'Z',
  })

  // The moments, as shares of the recipients the sink has heard from, so
  // the faults land while it sends whatever the machine's speed.
  const moments = options.faults.map(() => 0.05 + random() * 0.8).sort((a, b) => a - b)
  const began = performance.now()
  await fleet.api('POST', `/mailings/${mailing.id}/send`)
  fleet.log(`Mailing ${mailing.id} started over the API`)

  const faults: FaultRecord[] = []
  const completed = async () => {
    const rows = await fleet
      .query(`SELECT status FROM mailing_runs WHERE mailing_id = ?`, [mailing.id])
      .catch(() => [])
    return rows.length > 0 && rows.every((row) => row.status === 'completed')
  }
  const deadline = began + options.completionBoundMs
  let next = 0
  let done = false
  while (performance.now() < deadline) {
    if (next < options.faults.length && sink.unique >= moments[next] * options.recipients) {
      const name = options.faults[next]
      const atSeconds = Number(seconds(began))
      const progress = `${((sink.unique / options.recipients) * 100).toFixed(0)} %`
      fleet.log(`t=${atSeconds}s (${progress} sent): ${name}`)
      const before = sink.duplicates
      const outcome = await FAULTS[name](fleet, pick)
      faults.push({ fault: name, atSeconds, progress, ...outcome, duplicatesAfter: before })
      next++
      continue
    }
    if (await completed()) {
      done = true
      break
    }
    await sleep(250)
  }
  const durationMs = performance.now() - began
  for (; next < options.faults.length; next++) {
    faults.push({
      fault: options.faults[next],
      atSeconds: Number.NaN,
      progress: '-',
      outcome: 'not injected: the run ended first',
      duplicatesAllowed: 0,
      duplicatesAfter: sink.duplicates,
    })
  }
  // From the count at each fault to the count at the next one.
  for (const [index, fault] of faults.entries()) {
    const until = faults[index + 1]?.duplicatesAfter ?? sink.duplicates
    fault.duplicatesAfter = until - fault.duplicatesAfter
  }
  return check(fleet, mailing.id, faults, durationMs, done)
}

async function check(
  fleet: Fleet,
  mailingId: number,
  faults: FaultRecord[],
  durationMs: number,
  done: boolean
): Promise<FleetReport> {
  const { options, sink } = fleet
  const failures: string[] = []
  const clients = await fleet.query(`SELECT email FROM clients`)
  const lost = clients
    .map((client) => String(client.email).toLowerCase())
    .filter((email) => !sink.counts.has(email))
  const duplicates = sink.duplicates
  const duplicatesAllowed = faults.reduce((sum, f) => sum + f.duplicatesAllowed, 0)
  const runRows = await fleet.query(
    `SELECT count(*)::int AS runs FROM mailing_runs WHERE mailing_id = ?`,
    [mailingId]
  )
  const statusRows = await fleet.query(
    `SELECT status, count(*)::int AS n FROM deliveries GROUP BY status`
  )
  const deliveries = Object.fromEntries(statusRows.map((row) => [row.status, row.n]))
  const stats = done ? await fleet.api('GET', `/mailings/${mailingId}/stats`) : { totals: {} }
  const apiTotals = stats.totals

  if (!done) failures.push(`the run did not complete within ${options.completionBoundMs / 1000} s`)
  if (lost.length > 0) {
    failures.push(`${lost.length} recipients got nothing (${lost.slice(0, 5).join(', ')}…)`)
  }
  if (duplicates > duplicatesAllowed) {
    failures.push(`${duplicates} duplicates, more than the faults allow (${duplicatesAllowed})`)
  }
  if (runRows[0].runs !== 1) failures.push(`${runRows[0].runs} runs for one occurrence`)
  if (done && (apiTotals.sent !== sink.unique || apiTotals.total !== options.recipients)) {
    failures.push(
      `the API says ${apiTotals.sent} sent of ${apiTotals.total}; the sink has ${sink.unique} recipients`
    )
  }
  return {
    seed: options.seed,
    recipients: options.recipients,
    faults,
    durationMs,
    boundMs: options.completionBoundMs,
    lost,
    duplicates,
    duplicatesAllowed,
    runs: runRows[0].runs,
    apiTotals,
    sinkUnique: sink.unique,
    sinkAccepted: sink.accepted,
    deliveries,
    proxyFailovers: fleet.proxy.failovers,
    failures,
  }
}

/**
 * The report as the bench and the test print it: the fault table, then the
 * numbers.
 */
export function formatReport(report: FleetReport) {
  const rows = report.faults.map((f) => [
    f.fault,
    Number.isNaN(f.atSeconds) ? '-' : `${f.atSeconds} s`,
    f.progress,
    f.outcome,
    String(f.duplicatesAllowed),
    String(f.duplicatesAfter),
  ])
  // A duplicate shows when the message is sent again, after the claim went
  // stale: often after the next fault has begun, so the last column is when
  // duplicates arrived, not which fault caused them; the check is on the sum.
  const header = ['fault', 'time', 'sent then', 'outcome', 'may duplicate', 'duplicates seen']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    '',
    `seed ${report.seed}: ${report.recipients} recipients, run completed in ${(report.durationMs / 1000).toFixed(1)} s (bound ${report.boundMs / 1000} s)`,
    `sink: ${report.sinkUnique} recipients, ${report.sinkAccepted} messages; lost ${report.lost.length}; duplicates ${report.duplicates} (allowed ${report.duplicatesAllowed})`,
    `runs for the occurrence: ${report.runs}; API totals: ${JSON.stringify(report.apiTotals)}`,
    `deliveries: ${JSON.stringify(report.deliveries)}; proxy failovers: ${report.proxyFailovers}`,
    report.failures.length === 0 ? 'PASSED' : `FAILED:\n- ${report.failures.join('\n- ')}`,
  ].join('\n')
}
