/*
|--------------------------------------------------------------------------
| Web throughput while a mailing sends: `npm run bench:web-load`
|--------------------------------------------------------------------------
|
| Issue 13: "web throughput under load (autocannon) for the dashboard and
| the API list with 16 concurrent clients while a 100,000 run sends,
| against the same with no sending."
|
| A workspace of BENCH_CLIENTS clients (100,000), the real web server
| (built, production mode), the owner logged in through the form and an
| API token, a local SMTP sink and BENCH_WORKERS workers (one per core,
| built, production heap budget). Then BENCH_ROUNDS (3) rounds of two
| phases, alternated so that the machine's drift falls on both sides:
|
|   quiet     the workers idle: nothing to send;
|   sending   a mailing to every client started (StartRun, 100,000
|             deliveries), measured once its messages are going out, then
|             paused and the queue drained.
|
| In each phase autocannon runs BENCH_CONNECTIONS (16) keep-alive clients
| for BENCH_SECONDS (15) on the dashboard (session cookie), then on
| GET /api/v1/clients?limit=25 (token). Prints requests per second and
| latency (p50, p97.5) of every measure, the medians per phase with their
| spread, the ratio sending / quiet, the messages sent meanwhile and the
| load average.
|
| PostgreSQL: DB_CONNECTION=postgres DB_HOST=127.0.0.1 DB_USER=postgres
| DB_DATABASE=<an empty database with "bench" in its name> (its tables are
| dropped first and last). Without them, SQLite (tmp/bench-web-load.sqlite3).
| Also: REDIS_DB (8), BENCH_PORT (3397), BENCH_SMTP_PORT, BENCH_KEEP=1.
|
*/

import 'reflect-metadata'
import { cpus } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadAverages } from './helpers/latency.js'
import { httpLoad, type HttpLoadResult } from './helpers/http_load.js'
import { pauseAndDrain, setUpScaleBench, startMailingToAll } from './helpers/scale_setup.js'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
// The first rounds of the first run were twice as slow without it (JIT, pools, caches).
const WARM_UP_SECONDS = 10

console.log(`Seeding ${CLIENTS.toLocaleString('en')} clients…`)
const bench = await setUpScaleBench({
  clients: CLIENTS,
  sqliteFile: 'tmp/bench-web-load.sqlite3',
  defaultPort: 3397,
})
const { db, workers } = bench
const targets = {
  'dashboard': { path: '/dashboard', headers: bench.headers.page },
  'API client list': { path: '/api/v1/clients?limit=25', headers: bench.headers.api },
}
type Target = keyof typeof targets

interface Measure {
  phase: 'quiet' | 'sending'
  round: number
  results: Record<Target, HttpLoadResult>
  sentPerSecond: number | null
  load: string
}

let failure: string | null = null
let sendingMailing: number | undefined
const measures: Measure[] = []
try {
  await bench.startWorkers()
  // Warm-up, not counted: modules loaded, code optimised, pools filled.
  for (const target of Object.values(targets)) {
    await httpLoad(`${bench.base}${target.path}`, {
      connections: CONNECTIONS,
      seconds: WARM_UP_SECONDS,
      headers: target.headers,
    })
  }

  for (let round = 1; round <= ROUNDS; round++) {
    for (const phase of ['quiet', 'sending'] as const) {
      let runId: number | undefined
      if (phase === 'sending') {
        const { mailing, run } = await startMailingToAll(bench.workspace, `Load ${round}`)
        sendingMailing = mailing.id
        runId = run.id
        await untilSending(run.id)
      }
      const sentBefore = runId ? await sentCount(runId) : 0
      const startedAt = Date.now()
      const results = {} as Record<Target, HttpLoadResult>
      for (const [label, target] of Object.entries(targets) as [
        Target,
        (typeof targets)[Target],
      ][]) {
        results[label] = await httpLoad(`${bench.base}${target.path}`, {
          connections: CONNECTIONS,
          seconds: SECONDS,
          headers: target.headers,
        })
      }
      const seconds = (Date.now() - startedAt) / 1000
      const sentPerSecond = runId ? ((await sentCount(runId)) - sentBefore) / seconds : null
      measures.push({ phase, round, results, sentPerSecond, load: loadAverages() })
      if (sendingMailing) {
        await pauseAndDrain(bench, sendingMailing)
        sendingMailing = undefined
      }
      if (workers.some((worker) => !worker.running)) {
        throw new Error(`A worker exited:\n${workers.map((worker) => worker.output).join('\n')}`)
      }
      console.log(`  round ${round}, ${phase}: done (load ${loadAverages()})`)
    }
  }
  print()
} catch (error) {
  failure = (error as Error).stack ?? String(error)
  if (sendingMailing) await pauseAndDrain(bench, sendingMailing).catch(() => {})
} finally {
  await bench.cleanUp()
}
if (failure) {
  console.error(`bench:web-load: ${failure}`)
  process.exitCode = 1
}

async function sentCount(runId: number) {
  const [row] = await db.from('mailing_runs').where('id', runId).select('sent')
  return Number(row.sent)
}

/**
 * Waits for the run's first messages: the workers are then at full speed.
 */
async function untilSending(runId: number) {
  const deadline = Date.now() + 120_000
  while ((await sentCount(runId)) < 500) {
    if (Date.now() > deadline) throw new Error(`Run ${runId} sent nothing within 120 s`)
    await sleep(200)
  }
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function print() {
  const rate = (value: number) => `${Math.round(value)}/s`
  const lines = [
    '',
    `Web throughput while a ${CLIENTS.toLocaleString('en')}-recipient run sends · ${bench.dialect} · ${CONNECTIONS} connections · ${SECONDS} s a measure · ${workers.length} built worker(s) · sink: ${bench.sink.name}`,
    `Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`,
    '',
    `${'round, phase'.padEnd(16)}${Object.keys(targets)
      .map((label) => `${label}: req/s, p50 / p97.5`.padStart(40))
      .join('')}${'messages/s'.padStart(12)}   load (1 / 5 / 15 min)`,
  ]
  for (const measure of measures) {
    const cells = Object.values(measure.results).map((result) =>
      `${rate(result.requests.average)}, ${result.latency.p50} / ${result.latency.p97_5} ms`.padStart(
        40
      )
    )
    const sent = measure.sentPerSecond === null ? '—' : rate(measure.sentPerSecond)
    lines.push(
      `${`${measure.round}, ${measure.phase}`.padEnd(16)}${cells.join('')}${sent.padStart(12)}   ${measure.load}`
    )
  }
  lines.push('')
  for (const label of Object.keys(targets) as Target[]) {
    const rates = (phase: Measure['phase']) =>
      measures
        .filter((measure) => measure.phase === phase)
        .map((measure) => measure.results[label].requests.average)
    const quiet = rates('quiet')
    const sending = rates('sending')
    const spread = (values: number[]) =>
      `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`
    lines.push(
      `${label.padEnd(18)} quiet ${rate(median(quiet))} (${spread(quiet)}) · sending ${rate(median(sending))} (${spread(sending)}) · ratio sending / quiet ${(median(sending) / median(quiet)).toFixed(2)}`
    )
  }
  console.log(lines.join('\n') + '\n')
}
