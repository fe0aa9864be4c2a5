/*
|--------------------------------------------------------------------------
| API benchmark: `npm run bench:api`
|--------------------------------------------------------------------------
|
| Starts the real web server (bin/server.ts) in a child process and calls it
| over HTTP with a real token, as an API client would:
|
| - bulk upsert: POST /api/v1/clients/bulk, 1,000 new clients a request,
|   one after the other, against a baseline measured just before in the
|   same run: the same number of rows written by plain 1,000-row INSERTs
|   straight into the database. Then the same clients sent again (all
|   unchanged). Then the same two rounds with 2 tags (of 10) and 3 typed
|   attributes an item. Prints clients per second and the ratio;
| - list under load: GET /api/v1/clients (25 a page, 21,000 clients) from
|   concurrent clients, requests per second and p95, against GET /api/v1/me
|   (authentication, rate limit and tenant, no query of its own).
|
| SQLite by default, in its own file (tmp/bench_api.sqlite3, removed
| afterwards). PostgreSQL: DB_CONNECTION=postgres DB_DATABASE=<an empty database>.
|
| Options (environment): BENCH_BULK_REQUESTS (20), BENCH_LIST_REQUESTS (2000),
| BENCH_CONCURRENCY (16), BENCH_PORT (3390).
|
*/

import 'reflect-metadata'
import { cpus, loadavg } from 'node:os'
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { APP_ROOT, bootBenchApp } from './helpers/boot_app.js'
import { createBenchOwner } from './helpers/owners.js'
import { cpuSeconds } from './helpers/proc.js'

process.env.PORT = process.env.BENCH_PORT ?? '3390'
process.env.HOST = '127.0.0.1'
// The benchmark measures the API, not its quota.
process.env.API_RATE_LIMIT = '100000000'

const BULK_REQUESTS = Number(process.env.BENCH_BULK_REQUESTS ?? 20)
const LIST_REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? 2000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
const BULK_SIZE = 1000
const BASE = `http://127.0.0.1:${process.env.PORT}/api/v1`

const { app, removeSqliteFile } = await bootBenchApp({
  sqliteFile: 'tmp/bench_api.sqlite3',
  postgres: true,
})

const { default: db } = await import('@adonisjs/lucid/services/db')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { default: User } = await import('#models/user')
const { TOKEN_ABILITIES } = await import('#api/abilities')
const { sqlTime } = await import('#services/database/sql_time')

const server = spawn(
  process.execPath,
  ['--import=ts-node-maintained/register/esm', 'bin/server.ts'],
  { cwd: APP_ROOT, env: process.env, stdio: ['ignore', 'ignore', 'inherit'] }
)

const loadAtStart = loadAverage()

try {
  await new MigrationRunner(db, app, { direction: 'up' }).run()
  await waitForServer()

  const { user, tenant } = await createBenchOwner('Bench Mark', 'bench')
  const tenantId = tenant.id
  const token = await User.accessTokens.create(user, [...TOKEN_ABILITIES])
  const auth = { authorization: `Bearer ${token.value!.release()}` }

  const other = await createBenchOwner('Bench Baseline', 'baseline')
  const bulk = (rows: ClientRow[], expected?: string) => postBulk(auth, rows, expected)
  const baseline = (rows: ClientRow[]) => rawInsert(other.tenant.id, rows)

  // Warm-up, not counted: the first request loads the controller and its imports.
  await bulk(clientRows('warm', 0))
  await baseline(clientRows('warm', 0))

  // The baseline first, so the API writes into the larger table. (Taking
  // turns would make each SQLite process reload its page cache after the
  // other's write: that would measure the two processes, not the API.)
  const insertTimes: number[] = []
  for (let request = 0; request < BULK_REQUESTS; request++) {
    insertTimes.push(await timed(() => baseline(clientRows('raw', request))))
  }
  // New clients, then the same ones sent again (all unchanged).
  // The server's CPU per 1,000 items (SQLite runs in its process): what the
  // work costs, whatever else the machine is doing.
  const cpu = serverCpu(server.pid)
  const bulkTimes: number[] = []
  for (let request = 0; request < BULK_REQUESTS; request++) {
    bulkTimes.push(await timed(() => bulk(clientRows('api', request))))
  }
  const bulkCpu = cpu.lap()
  const againTimes: number[] = []
  for (let request = 0; request < BULK_REQUESTS; request++) {
    againTimes.push(await timed(() => bulk(clientRows('api', request), 'unchanged')))
  }
  const againCpu = cpu.lap()
  // Tags and attributes: new clients, then the same again (unchanged).
  await db.table('attribute_definitions').multiInsert(
    [
      { key: 'company', label: 'Company', type: 'text' },
      { key: 'seats', label: 'Seats', type: 'number' },
      { key: 'plan', label: 'Plan', type: 'choice', choices: JSON.stringify(['Free', 'Pro']) },
    ].map((definition) => ({ tenant_id: tenantId, created_at: sqlTime(), ...definition }))
  )
  cpu.lap()
  const audienceTimes: number[] = []
  for (let request = 0; request < BULK_REQUESTS; request++) {
    audienceTimes.push(await timed(() => bulk(audienceRows('tagged', request))))
  }
  const audienceCpu = cpu.lap()
  const audienceAgainTimes: number[] = []
  for (let request = 0; request < BULK_REQUESTS; request++) {
    audienceAgainTimes.push(await timed(() => bulk(audienceRows('tagged', request), 'unchanged')))
  }
  const audienceAgainCpu = cpu.lap()
  const bulkClients = BULK_REQUESTS * BULK_SIZE
  const bulkRate = bulkClients / (sum(bulkTimes) / 1000)
  const insertRate = bulkClients / (sum(insertTimes) / 1000)
  const againRate = bulkClients / (sum(againTimes) / 1000)
  const audienceRate = bulkClients / (sum(audienceTimes) / 1000)
  const audienceAgainRate = bulkClients / (sum(audienceAgainTimes) / 1000)

  // The list under load, against /me under the same load.
  await load(`${BASE}/me`, auth, 200) // warm-up
  const me = await load(`${BASE}/me`, auth, LIST_REQUESTS)
  const list = await load(`${BASE}/clients?limit=25`, auth, LIST_REQUESTS)
  const search = await load(`${BASE}/clients?limit=25&q=client.7`, auth, LIST_REQUESTS / 4)

  const dialect = db.connection().dialect.name
  const rate = (value: number) => Math.round(value).toLocaleString('en')
  const ms = (value: number) => `${value.toFixed(1)} ms`
  const perThousand = (seconds: number) =>
    `server CPU ${((seconds * 1000) / BULK_REQUESTS).toFixed(0)} ms/1,000`
  console.log(
    [
      '',
      `API benchmark · ${dialect} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`,
      `load average at start ${loadAtStart}, at the end ${loadAverage()}`,
      '',
      `bulk upsert, ${BULK_REQUESTS} × POST /clients/bulk of ${BULK_SIZE} clients, one after the other`,
      `  new clients                   ${rate(bulkRate)} clients/s   (median request ${ms(median(bulkTimes))}, ${perThousand(bulkCpu)})`,
      `  baseline: raw multi-row insert ${rate(insertRate)} clients/s   (median ${ms(median(insertTimes))} a ${BULK_SIZE}-row INSERT)`,
      `  ratio                         API ${(bulkRate / insertRate).toFixed(2)} × the baseline's rate`,
      `  goal 10,000 clients/s         ${bulkRate >= 10_000 ? 'met' : 'NOT met'}`,
      `  same clients again (unchanged) ${rate(againRate)} clients/s   (median request ${ms(median(againTimes))}, ${perThousand(againCpu)})`,
      `  with 2 tags + 3 attributes     ${rate(audienceRate)} clients/s   (median request ${ms(median(audienceTimes))}, ${perThousand(audienceCpu)})`,
      `  same again (unchanged)        ${rate(audienceAgainRate)} clients/s   (median request ${ms(median(audienceAgainTimes))}, ${perThousand(audienceAgainCpu)})`,
      '',
      `${LIST_REQUESTS} requests each, ${CONCURRENCY} at a time, ${rate(bulkClients + BULK_SIZE)} clients in the workspace`,
      `  GET /me (baseline)            ${rate(me.rps)} req/s   p95 ${ms(me.p95)}`,
      `  GET /clients?limit=25         ${rate(list.rps)} req/s   p95 ${ms(list.p95)}   (${(list.rps / me.rps).toFixed(2)} × the rate of /me)`,
      `  GET /clients?q=…&limit=25     ${rate(search.rps)} req/s   p95 ${ms(search.p95)}`,
      '',
    ].join('\n')
  )
} finally {
  server.kill('SIGTERM')
  await app.terminate()
  await removeSqliteFile()
}

type ClientRow = {
  email: string
  full_name: string
  comment: string | null
  add_tags?: string[]
  attributes?: Record<string, string | number>
}

function clientRows(prefix: string, batch: number): ClientRow[] {
  return Array.from({ length: BULK_SIZE }, (_, i) => ({
    email: `${prefix}.client.${batch * BULK_SIZE + i}@example-${i % 97}.com`,
    full_name: `Client ${batch}-${i}`,
    comment: i % 4 === 0 ? null : `Customer since ${2000 + (i % 25)}`,
  }))
}

/**
 * Rows with 2 tags of 10 (one shared by all) and 3 attributes of 3 types.
 */
function audienceRows(prefix: string, batch: number): ClientRow[] {
  return clientRows(prefix, batch).map((row, i) => ({
    ...row,
    add_tags: ['Customers', `Group ${i % 9}`],
    attributes: { company: `Company ${i % 50}`, seats: i % 100, plan: i % 3 ? 'Pro' : 'Free' },
  }))
}

/**
 * One API request, as a customer's code would send it; every item must come
 * back with the expected outcome.
 */
async function postBulk(auth: Record<string, string>, rows: ClientRow[], expected = 'created') {
  const response = await fetch(`${BASE}/clients/bulk`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ clients: rows }),
  })
  const result = (await response.json()) as { summary?: Record<string, number> }
  if (result.summary?.[expected] !== rows.length) {
    throw new Error(`Bulk upsert: ${response.status} ${JSON.stringify(result).slice(0, 500)}`)
  }
}

/**
 * The baseline: the same rows in one plain multi-row INSERT (no HTTP, no
 * validation, no conflict handling, nothing returned), from this process.
 */
async function rawInsert(tenantId: number, rows: ClientRow[]) {
  const now = sqlTime()
  await db.rawQuery(
    `insert into clients (tenant_id, email, full_name, comment, created_at, updated_at)
     values ${rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
    rows.flatMap((row) => [tenantId, row.email, row.full_name, row.comment, now, now])
  )
}

/**
 * The server process's CPU seconds since the last lap.
 */
function serverCpu(pid: number | undefined) {
  let last = cpuSeconds(pid)
  return {
    lap() {
      const now = cpuSeconds(pid)
      const spent = now - last
      last = now
      return spent
    },
  }
}

function loadAverage() {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')
}

async function waitForServer() {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${BASE}/openapi.json`)
      if (response.ok) return
    } catch {
      // Not listening yet.
    }
    await sleep(250)
  }
  throw new Error('The server did not start within 60 s')
}

/**
 * `total` GETs, `CONCURRENCY` in flight at any time: requests per second
 * and the 95th percentile latency.
 */
async function load(url: string, headers: Record<string, string>, total: number) {
  const latencies: number[] = []
  let next = 0
  const startedAt = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        next += 1
        const latency = await timed(async () => {
          const response = await fetch(url, { headers })
          await response.arrayBuffer()
          if (!response.ok) throw new Error(`${url}: ${response.status}`)
        })
        latencies.push(latency)
      }
    })
  )
  const elapsed = performance.now() - startedAt
  const sorted = latencies.sort((a, b) => a - b)
  return { rps: total / (elapsed / 1000), p95: sorted[Math.floor(sorted.length * 0.95)] }
}

async function timed(work: () => Promise<unknown>) {
  const startedAt = performance.now()
  await work()
  return performance.now() - startedAt
}

function sum(values: number[]) {
  return values.reduce((total, value) => total + value, 0)
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
