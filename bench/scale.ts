/*
|--------------------------------------------------------------------------
| A million recipients on PostgreSQL: `npm run bench:scale`
|--------------------------------------------------------------------------
|
| Issue 13: "a 1,000,000-recipient run on PostgreSQL: run start (recipients
| fixed) under 30 s, workers under 200 MB each, the mailing page, the
| delivery log (first and last page, a search) and the statistics under
| 200 ms while it sends."
|
| A workspace of BENCH_RECIPIENTS clients (1,000,000; written by one
| INSERT … SELECT), the real web server (built, production mode) with the
| owner logged in through the form, a local SMTP sink, and BENCH_WORKERS
| workers (one per core, built, production heap budget). Then:
|
| 1. run start: StartRun on a mailing to every client, timed in its two
|    parts: the recipients fixed (the run's deliveries inserted, its
|    counters set) and its batches queued. Goal: under 30 s in all;
| 2. while the workers send it, for BENCH_SECONDS (120): the pages its
|    owner opens, one request at a time, round after round: the mailing
|    page, the statistics it polls (the whole chart: the worst case), the
|    workspace report, the delivery log's first page, its last page (the
|    50 oldest deliveries, where "Next" ends) and a search by email
|    prefix. Goal: p95 under 200 ms each. The workers' peak resident
|    memory (VmHWM). Goal: under 200 MB each;
| 3. the mailing is paused (as its owner does) and, for BENCH_QUIET_SECONDS
|    (30), the same pages are timed again with nothing sending: not a
|    goal, the reference of what the machine gives them meanwhile. Sending
|    all of it takes about 20 minutes on a 2-core machine and proves
|    nothing more.
|
| Prints each goal as met or NOT met, with the load average, and exits 1
| when one is missed.
|
| PostgreSQL: DB_CONNECTION=postgres DB_HOST=127.0.0.1 DB_USER=postgres
| DB_DATABASE=<an empty database with "bench" in its name> (its tables are
| dropped first and last). Without them, SQLite (tmp/bench-scale.sqlite3).
| Also: REDIS_DB (8), BENCH_PORT (3396), BENCH_SMTP_PORT, BENCH_WORKERS,
| BENCH_KEEP=1 (keep the data).
|
*/

import 'reflect-metadata'
import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { formatMs, latencySummary, loadAverages } from './helpers/latency.js'
import { measurePages } from './helpers/web_server.js'
import { pauseAndDrain, setUpScaleBench } from './helpers/scale_setup.js'
import { createMailingToAll } from './helpers/big_workspace.js'
import { peakResidentKb } from './helpers/proc.js'

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 1_000_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 120)
const QUIET_SECONDS = Number(process.env.BENCH_QUIET_SECONDS ?? 30)
const START_GOAL_S = 30
const PAGE_GOAL_MS = 200
const MEMORY_GOAL_MB = 200

const loadAtStart = loadAverages()
console.log(`Seeding ${RECIPIENTS.toLocaleString('en')} clients…`)
const bench = await setUpScaleBench({
  clients: RECIPIENTS,
  sqliteFile: 'tmp/bench-scale.sqlite3',
  defaultPort: 3396,
})
const { db, workspace, workers } = bench
const { default: StartRun } = await import('#sending/start_run')
const { default: DispatchBatches } = await import('#sending/dispatch_batches')

let failure: string | null = null
let mailingId: number | undefined
try {
  await bench.startWorkers()
  const mailing = await createMailingToAll(workspace, 'A million')
  mailingId = mailing.id

  // 1. Run start, as StartRun does it, in its two parts.
  const loadAtRunStart = loadAverages()
  const startedAt = performance.now()
  const run = await StartRun.handle(mailing, mailing.startAt, { dispatch: false })
  if (!run) throw new Error('The run did not start')
  const fixedAt = performance.now()
  await DispatchBatches.handle(run)
  const queuedAt = performance.now()
  const fixedSeconds = (fixedAt - startedAt) / 1000
  const startSeconds = (queuedAt - startedAt) / 1000
  console.log(`  run started in ${startSeconds.toFixed(1)} s`)

  // 2. The owner's pages while it sends.
  const [{ id: lastPageCursor }] = await db
    .from('deliveries')
    .where('run_id', run.id)
    .orderBy('id', 'asc')
    .offset(50)
    .limit(1)
    .select('id')
  const pages: Record<string, string> = {
    'mailing page': `/mailings/${mailing.id}`,
    'statistics (polled JSON, whole chart)': `/mailings/${mailing.id}/stats`,
    'workspace report': '/reports',
    'delivery log, first page': `/mailings/${mailing.id}/deliveries`,
    'delivery log, last page': `/mailings/${mailing.id}/deliveries?after=${lastPageCursor}`,
    'delivery log, search by email': `/mailings/${mailing.id}/deliveries?email=client.4242`,
  }
  await measurePages(bench.base, pages, bench.headers, 2, 1) // warm-up
  const latencies: Record<string, number[]> = Object.fromEntries(
    Object.keys(pages).map((label) => [label, []])
  )
  const windowStart = performance.now()
  const sentBefore = await sentCount(run.id)
  while (performance.now() - windowStart < SECONDS * 1000) {
    const round = await measurePages(bench.base, pages, bench.headers, 1, 1)
    for (const [label, samples] of Object.entries(round)) latencies[label].push(...samples)
    if (workers.some((worker) => !worker.running)) {
      throw new Error(`A worker exited:\n${workers.map((worker) => worker.output).join('\n')}`)
    }
    await sleep(250)
  }
  const windowSeconds = (performance.now() - windowStart) / 1000
  const sent = (await sentCount(run.id)) - sentBefore
  const peaks = workers.map((worker) => peakResidentKb(worker.pid) / 1024)
  const loadAtEnd = loadAverages()
  await pauseAndDrain(bench, mailing.id)

  // The same pages on the same data, nothing sending: what the machine
  // gives them without the workers (not a goal, a reference).
  const quiet: Record<string, number[]> = Object.fromEntries(
    Object.keys(pages).map((label) => [label, []])
  )
  const quietStart = performance.now()
  while (performance.now() - quietStart < QUIET_SECONDS * 1000) {
    const round = await measurePages(bench.base, pages, bench.headers, 1, 1)
    for (const [label, samples] of Object.entries(round)) quiet[label].push(...samples)
    await sleep(250)
  }
  const loadQuiet = loadAverages()

  // 3. The verdict.
  const verdicts: boolean[] = []
  const verdict = (met: boolean, goal: string) => {
    verdicts.push(met)
    return met ? `met (${goal})` : `NOT met (${goal})`
  }
  const lines = [
    '',
    `${RECIPIENTS.toLocaleString('en')} recipients on ${bench.dialect} · ${workers.length} built worker(s) · sink: ${bench.sink.name}`,
    `Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`,
    `load average (1 / 5 / 15 min): at start ${loadAtStart}, at run start ${loadAtRunStart}, at the end of sending ${loadAtEnd}, after the quiet measure ${loadQuiet}`,
    `clients seeded in ${bench.seedSeconds.toFixed(1)} s`,
    '',
    `run start                     ${startSeconds.toFixed(1)} s: recipients fixed ${fixedSeconds.toFixed(1)} s + batches queued ${(startSeconds - fixedSeconds).toFixed(1)} s   ${verdict(startSeconds < START_GOAL_S, `< ${START_GOAL_S} s`)}`,
    `workers' peak memory (VmHWM)  ${peaks.map((mb) => `${mb.toFixed(0)} MB`).join(', ')}   ${verdict(Math.max(...peaks) < MEMORY_GOAL_MB, `< ${MEMORY_GOAL_MB} MB each`)}`,
    `sending meanwhile             ${sent.toLocaleString('en')} messages in ${windowSeconds.toFixed(0)} s (${Math.round(sent / windowSeconds)}/s)`,
    '',
    `${'page (one request at a time)'.padEnd(40)}${'sending: n'.padStart(11)}${'p50'.padStart(9)}${'p95'.padStart(9)}${'max'.padStart(9)}${'quiet: p50'.padStart(12)}${'p95'.padStart(9)}`,
  ]
  for (const [label, samples] of Object.entries(latencies)) {
    const { median, p95, max } = latencySummary(samples)
    const reference = latencySummary(quiet[label])
    lines.push(
      `${label.padEnd(40)}${String(samples.length).padStart(11)}${formatMs(median).padStart(9)}${formatMs(p95).padStart(9)}${formatMs(max).padStart(9)}${formatMs(reference.median).padStart(12)}${formatMs(reference.p95).padStart(9)}   ${verdict(p95 < PAGE_GOAL_MS, `p95 < ${PAGE_GOAL_MS} ms while sending`)}`
    )
  }
  console.log(lines.join('\n') + '\n')
  if (verdicts.includes(false)) failure = 'a goal was missed (above)'
} catch (error) {
  failure = (error as Error).stack ?? String(error)
  if (mailingId) await pauseAndDrain(bench, mailingId).catch(() => {})
} finally {
  await bench.cleanUp()
}
if (failure) {
  console.error(`bench:scale: ${failure}`)
  process.exitCode = 1
}

async function sentCount(runId: number) {
  const [row] = await db.from('mailing_runs').where('id', runId).select('sent')
  return Number(row.sent)
}
