/*
|--------------------------------------------------------------------------
| CSV import benchmark: `npm run bench:csv`
|--------------------------------------------------------------------------
|
| Generates a 100,000-row CSV file, imports it through the real action
| (ImportClients, what POST /clients/import runs) into fresh workspaces, and
| prints the time next to a baseline measured in the same run on the same
| file: csv-parse reading it alone. Machines are noisy; the ratio is what
| to compare between runs. Also shows how long the event loop was held (what
| other requests would wait) and what the client list costs at that size.
|
| SQLite by default, in its own file (tmp/bench.sqlite3, removed afterwards).
| On PostgreSQL: DB_CONNECTION=postgres DB_DATABASE=mailings_bench npm run bench:csv
|
| Options (environment): BENCH_ROWS (100000), BENCH_RUNS (3).
|
*/

import 'reflect-metadata'
import type { Actor } from '#actions/audit/record_workspace_event'
import Membership from '#models/membership'
import { cpus } from 'node:os'
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { createReadStream } from 'node:fs'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { bootBenchApp } from './helpers/boot_app.js'
import { parse } from 'csv-parse'

// The committed test configuration (.env.test) boots the app without a .env;
// the database is the benchmark's own.

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)

const { app, removeSqliteFile } = await bootBenchApp({
  sqliteFile: 'tmp/bench.sqlite3',
  postgres: true,
})

const { default: db } = await import('@adonisjs/lucid/services/db')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { default: Tenant } = await import('#models/tenant')
const { default: ImportClients } = await import('#actions/clients/import_clients')
const { default: ListClients } = await import('#actions/clients/list_clients')

try {
  await new MigrationRunner(db, app, { direction: 'up' }).run()

  const path = app.tmpPath('bench', `clients-${ROWS}.csv`)
  await writeCsv(path, ROWS)
  const { size } = await stat(path)

  // Baseline: the parser alone, reading the same file (best of the runs).
  const parseTimes: number[] = []
  for (let run = 0; run < RUNS; run++) {
    parseTimes.push(await timed(() => parseOnly(path)))
  }
  const baseline = Math.min(...parseTimes)

  // The import, each run into a fresh workspace.
  const importTimes: number[] = []
  let worstDelay = 0
  let p99Delay = 0
  let tenant = await freshTenant()
  for (let run = 0; run < RUNS; run++) {
    if (run > 0) tenant = await freshTenant()
    const delays = monitorEventLoopDelay({ resolution: 5 })
    delays.enable()
    let report: Awaited<ReturnType<typeof ImportClients.handle>> | undefined
    importTimes.push(
      await timed(async () => {
        report = await ImportClients.handle(await benchActor(tenant), tenant, path)
      })
    )
    delays.disable()
    worstDelay = Math.max(worstDelay, delays.max / 1e6)
    p99Delay = Math.max(p99Delay, delays.percentile(99) / 1e6)
    if (report?.created !== ROWS) {
      throw new Error(`Expected ${ROWS} created, got ${JSON.stringify(report)}`)
    }
  }
  const importTime = median(importTimes)

  // The same file again: every row is looked up and found unchanged.
  const actor = await benchActor(tenant)
  const reimportTime = await timed(() => ImportClients.handle(actor, tenant, path))

  // The list at this size.
  const firstPage = await medianOf(5, () => ListClients.handle(tenant, {}))
  const rareSearch = await medianOf(5, () => ListClients.handle(tenant, { q: 'no-such-client' }))
  const pageTimes: number[] = []
  let after: string | undefined
  do {
    let nextCursor: string | null = null
    pageTimes.push(
      await timed(async () => {
        const page = await ListClients.handle(tenant, { sort: 'name', after, perPage: 50 })
        nextCursor = page.nextCursor
      })
    )
    after = nextCursor ?? undefined
  } while (after && pageTimes.length < 2_000)

  const dialect = db.connection().dialect.name
  const version = await databaseVersion(dialect)
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
  const millis = (ms: number) => `${ms.toFixed(1)} ms`

  console.log(
    [
      '',
      `CSV import of ${ROWS.toLocaleString('en')} rows (${(size / 1024 / 1024).toFixed(1)} MB)`,
      `${dialect} ${version} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`,
      '',
      `baseline, csv-parse alone         ${seconds(baseline)}   (best of ${parseTimes.map(seconds).join(', ')})`,
      `import into a fresh workspace     ${seconds(importTime)}   (median of ${importTimes.map(seconds).join(', ')})`,
      `  ratio to the baseline           ${(importTime / baseline).toFixed(1)} ×`,
      `  rows per second                 ${Math.round(ROWS / (importTime / 1000)).toLocaleString('en')}`,
      `  event loop held, longest        ${millis(worstDelay)}   (99th percentile ${millis(p99Delay)})`,
      `import again, all unchanged       ${seconds(reimportTime)}   (${(reimportTime / baseline).toFixed(1)} × baseline)`,
      '',
      `client list at ${ROWS.toLocaleString('en')} clients`,
      `  first page (newest first)       ${millis(firstPage)}   (median of 5)`,
      `  search matching nothing         ${millis(rareSearch)}   (median of 5, reads every row)`,
      `  by name, ${pageTimes.length} pages of 50: median ${millis(median(pageTimes))}, slowest ${millis(Math.max(...pageTimes))}, last ${millis(pageTimes[pageTimes.length - 1])}`,
      '',
    ].join('\n')
  )
} finally {
  await app.terminate()
  // Nothing to keep: the next run starts from scratch anyway.
  await removeSqliteFile()
  await rm(app.tmpPath('bench'), { recursive: true, force: true })
}

async function databaseVersion(dialect: string): Promise<string> {
  if (dialect === 'postgres') {
    const result = await db.rawQuery('show server_version')
    return result.rows[0].server_version
  }
  const rows = await db.rawQuery('select sqlite_version() as version')
  return `SQLite ${rows[0].version}`
}

async function freshTenant() {
  return Tenant.create({ name: `Benchmark ${Date.now()}`, timeZone: 'UTC' })
}

/**
 * A realistic file: a header, names with commas (quoted), comments on most
 * rows, Windows line endings.
 */
async function writeCsv(path: string, rows: number) {
  await mkdir(app.tmpPath('bench'), { recursive: true })
  const first = ['Ann', 'Bob', 'Chloé', 'Dmitri', 'Eve', 'Farid', 'Grace', 'Hiro']
  const last = ['Lee', 'Smith', 'Núñez', 'Okafor', 'Kowalski', 'Tanaka', 'Martin']
  const lines = ['email,full_name,comment']
  for (let index = 0; index < rows; index++) {
    const name = `${last[index % last.length]}, ${first[index % first.length]}`
    const comment = index % 4 === 0 ? '' : `Customer since ${2000 + (index % 25)}; order #${index}`
    lines.push(`client.${index}@example-${index % 97}.com,"${name}",${comment}`)
  }
  await writeFile(path, lines.join('\r\n') + '\r\n')
}

async function parseOnly(path: string) {
  let records = 0
  const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true }))
  for await (const record of parser) records += record.length > 0 ? 1 : 0
  return records
}

async function timed(work: () => Promise<unknown>) {
  const startedAt = performance.now()
  await work()
  return performance.now() - startedAt
}

async function medianOf(runs: number, work: () => Promise<unknown>) {
  const times: number[] = []
  for (let run = 0; run < runs; run++) times.push(await timed(work))
  return median(times)
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/**
 * A member of the workspace to import as (the import writes an audit entry).
 */
async function benchActor(tenant: { id: number }): Promise<Actor> {
  const membership = await Membership.query()
    .where('tenant_id', tenant.id)
    .preload('user')
    .firstOrFail()
  return { user: membership.user, ip: null, userAgent: null }
}
