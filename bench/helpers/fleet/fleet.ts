/*
 * The fleet the fleet test (issue 13, item 5) runs: the app as production
 * runs it, from the build, on its own PostgreSQL database and its own Redis
 * (append-only file on, noeviction), with 2 web processes behind a
 * round-robin proxy, 3 workers that send and 2 that only schedule
 * (`queue:listen --no-schedule` and `--schedule-only`), into an SMTP sink
 * that counts each recipient's messages; and what the faults and checks
 * do to it (faults.ts, run.ts).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { execSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import knex, { type Knex } from 'knex'
import { Redis } from 'ioredis'
import { ServiceProcess } from '#tests/helpers/processes'
import { buildApp } from '../bench_worker.js'
import { RoundRobinProxy } from './proxy.js'
import type { FleetOptions } from './settings.js'
import { CountingSink } from './sink.js'
import { DashboardPrometheus } from './dashboard.js'

const APP_ROOT = new URL('../../../', import.meta.url)
const BUILD = fileURLToPath(new URL('build/', APP_ROOT))

/**
 * Every process's output, one file each, kept after the run.
 */
export const logsFolder = (options: FleetOptions) =>
  new URL(`tmp/fleet-logs-${options.database}/`, APP_ROOT)

/**
 * The fleet's environment: .env.example (what an operator starts from),
 * production mode, the fleet's database, Redis and sink, and the timings.
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
    ...options.timings.values,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    APP_KEY: 'fleet-test-only-key-7c1e5a9d3b2f4e6a8c0d',
    METRICS_TOKEN: FLEET_METRICS_TOKEN,
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
    UPLOADS_PATH: fileURLToPath(new URL('tmp/fleet-uploads', APP_ROOT)),
  }
}

/**
 * The fleet's own redis-server, as the README tells operators to run it for
 * BullMQ: append-only file on, never evicting. `stop('SIGTERM')` is a clean
 * shutdown (the file is flushed), `stop('SIGKILL')` a crash (up to a second
 * of writes lost: appendfsync everysec); `start()` again reloads the file
 * from the same folder.
 */
function fleetRedis(port: number, dir: string) {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return new ServiceProcess(
    process.env.REDIS_SERVER_PATH ?? 'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      ...['--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--daemonize', 'no'],
    ],
    { name: 'Redis', readyText: 'Ready to accept connections', keepOutput: 20_000 }
  )
}

const WORKER_NODE_OPTIONS = ['--max-old-space-size=128']

/** What the fleet's Prometheus scrapes /metrics with. */
const FLEET_METRICS_TOKEN = 'fleet-metrics-token-3f9a1c7e5b2d'

/**
 * Everything running: processes, proxy, sink, and a database connection of
 * the harness's own for seeding, checks and the cut-pg fault.
 */
export class Fleet {
  readonly sink = new CountingSink()
  readonly webs: ServiceProcess[] = []
  readonly workers: ServiceProcess[] = []
  readonly schedulers: ServiceProcess[] = []
  readonly redis: ServiceProcess
  readonly #redisFolder: string
  readonly proxy: RoundRobinProxy
  /** Scrapes every process for the dashboard check, when installed. */
  readonly prometheus?: DashboardPrometheus
  #db?: Knex
  #stopped = false
  env: Record<string, string> = {}
  token = ''

  constructor(readonly options: FleetOptions) {
    this.#redisFolder = fileURLToPath(new URL(`tmp/fleet-redis-${options.database}`, APP_ROOT))
    this.redis = fleetRedis(options.ports.redis, this.#redisFolder)
    this.proxy = new RoundRobinProxy(options.ports.web)
    if (options.prometheus) {
      this.prometheus = new DashboardPrometheus({
        binary: options.prometheus,
        port: options.ports.prometheus,
        targets: [...options.ports.web, ...options.ports.metrics].map(
          (port) => `127.0.0.1:${port}`
        ),
        token: FLEET_METRICS_TOKEN,
        name: `fleet-${options.database}`,
      })
    }
  }

  /**
   * Deletes what Redis persists (its append-only file), Redis stopped: the
   * next start is an empty Redis.
   */
  emptyRedisFolder() {
    rmSync(this.#redisFolder, { recursive: true, force: true })
    mkdirSync(this.#redisFolder, { recursive: true })
  }

  log(line: string) {
    this.options.log(line)
  }

  /** Taken down (`down`): nothing more starts. */
  get stopped() {
    return this.#stopped
  }

  /**
   * Each step of `up` goes on only while the fleet has not been taken down
   * meanwhile (a signal during the start): a process started after `down`
   * would outlive the harness.
   */
  async #step<T>(work: Promise<T>): Promise<T> {
    const result = await work
    if (this.#stopped) throw new Error('The fleet was taken down while it started')
    return result
  }

  async up() {
    const { options } = this
    if (!options.skipBuild) {
      this.log('Building the app (node ace build)…')
      buildApp()
    }
    this.env = await this.#step(fleetEnvironment(options))
    await this.#step(this.#createDatabase())
    await this.#step(this.redis.start())
    await this.#step(this.sink.start(options.ports.smtp))
    this.log('Migrating and creating the owner…')
    await this.#step(this.#ace(['migration:run', '--force']))
    await this.#step(
      this.#ace([
        'users:create',
        '--email=fleet-owner@example.com',
        '--password=granite orchid saffron fleet',
        '--name=Fleet Owner',
      ])
    )
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
    const node = (name: string, args: string[], readyText: string, env = this.env) =>
      new ServiceProcess(process.execPath, args, {
        name,
        cwd: BUILD,
        env,
        readyText,
        keepOutput: 20_000,
        logFile: logFile(name),
      })
    // Each worker and scheduler serves /health and /metrics on its own port.
    const metricsPorts = [...options.ports.metrics]
    const ace = (name: string, args: string[]) =>
      node(name, [...WORKER_NODE_OPTIONS, 'ace.js', ...args], 'Worker started', {
        ...this.env,
        WORKER_HTTP_PORT: String(metricsPorts.shift()),
      })
    for (const [index, port] of options.ports.web.entries()) {
      this.webs.push(
        node(`web-${index + 1}`, ['bin/server.js'], 'started HTTP server', {
          ...this.env,
          PORT: String(port),
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
    await this.#step(
      Promise.all([...this.webs, ...this.schedulers, ...this.workers].map((p) => p.start()))
    )
    await this.#step(this.proxy.start(options.ports.proxy))
    await this.#step(this.prometheus?.start() ?? Promise.resolve())
  }

  async down() {
    this.#stopped = true
    await Promise.all(
      [...this.workers, ...this.schedulers, ...this.webs].map((p) => p.stop('SIGTERM', 15_000))
    )
    await this.proxy.stop()
    await this.prometheus?.stop()
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

  /**
   * `use` with a connection of its own to the fleet's Redis, closed after.
   */
  async onRedis<T>(use: (redis: Redis) => Promise<T>) {
    const redis = new Redis({ host: '127.0.0.1', port: this.options.ports.redis })
    try {
      return await use(redis)
    } finally {
      redis.disconnect()
    }
  }

  /**
   * Statements on a connection of their own to the fleet's database, for a
   * fault that holds one for long (lock-pg): the harness's single
   * connection polls the run meanwhile, and faults on other parts start on
   * time. The database's faults never overlap each other, so "cut all but
   * the harness's own" never meets this one.
   */
  onOwnConnection(statements: string[]) {
    return this.#run(this.options.database, statements)
  }

  #onServer(statements: string[]) {
    return this.#run('postgres', statements)
  }

  async #run(database: string, statements: string[]) {
    const connection = knex({
      client: 'pg',
      connection: { ...this.options.pg, database },
      pool: { min: 1, max: 1 },
    })
    try {
      for (const statement of statements) await connection.raw(statement)
    } finally {
      await connection.destroy()
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
   * makes it, for the owner's workspace: only the hash is stored) and the recipients, written straight
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
      `INSERT INTO auth_access_tokens (tokenable_id, tenant_id, type, name, hash, abilities, created_at, updated_at)
       VALUES (?, ?, 'api_token', 'fleet', ?, ?, now(), now()) RETURNING id`,
      [
        userId,
        tenantId,
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
   * One GET through the proxy, not retried, whatever it answers: a glance,
   * not a check (a part may be down).
   */
  async look(path: string) {
    await fetch(`http://127.0.0.1:${this.options.ports.proxy}/api/v1${path}`, {
      headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(5000),
    })
      .then((response) => response.arrayBuffer())
      .catch(() => {})
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
