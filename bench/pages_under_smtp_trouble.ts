/*
|--------------------------------------------------------------------------
| Pages while the mail server misbehaves: `npm run bench:smtp-trouble`
|--------------------------------------------------------------------------
|
| Issue 4: "whatever the mail server does, web pages keep answering at
| their usual speed."
|
| The real web server (bin/server.ts, production mode) and a real worker
| (`node ace queue:listen`, compiled as production runs it; BENCH_BUILT=0
| runs the sources), on a database of their own. A workspace with BENCH_RECIPIENTS clients (3,000),
| a logged-in user (a real log-in through the form: session cookie) and an
| API token. Then, phase after phase, the latency of the pages a user has
| open while a mailing goes out: the dashboard, the mailing's page, the
| numbers that page polls, the clients list, the delivery log, and the
| API's delivery log. Phases (the SMTP server listens on one port, in a
| process of its own, bench/helpers/smtp_trouble_server.ts, restarted in
| another mode between phases):
|
|   baseline     no sending (the worker idle)
|   healthy      a sink that accepts every message
|   silent       accepts connections, never says a word (greeting timeout)
|   451          answers 451 to every RCPT
|   550          answers 550 to every RCPT
|   drop         drops the connection in the middle of DATA
|   refused      nothing listening
|   baseline     again, at the end: how much the machine drifted
|
| In each sending phase a mailing to every client starts first, and another
| whenever the last one stops (completed, or paused by the error threshold),
| so the worker is busy with it for the whole measure. BENCH_REQUESTS (50)
| requests per page, BENCH_CONCURRENCY (4) in flight, pages interleaved;
| BENCH_PHASES (e.g. baseline,healthy,baseline-again) picks phases and
| BENCH_WORKER_NICE (0) lowers the worker's CPU priority.
| Prints p50 / p95 per page and phase, the ratio of each p95 to the
| baseline's (both no-sending phases pooled), and what happened meanwhile:
| the worker's attempts by outcome and the CPU each process used. Exits 1
| with a sentence when a request fails.
|
| Its own SQLite file (tmp/bench-smtp-trouble.sqlite3), Redis DB index
| (REDIS_DB, default 6, flushed before and after) and ports (BENCH_PORT,
| 3364; the SMTP port is a free one).
|
*/

import 'reflect-metadata'
import type { DateTime as LuxonDateTime } from 'luxon'
import { cpus, setPriority } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ServiceProcess } from '#tests/helpers/processes'
import { bootBenchApp } from './helpers/boot_app.js'
import { createMailingToAll, seedBigWorkspace, type BigWorkspace } from './helpers/big_workspace.js'
import {
  BENCH_BUILT,
  BenchWorker,
  compileApp,
  useProductionTimings,
} from './helpers/bench_worker.js'
import { formatMs, latencySummary, loadAverages } from './helpers/latency.js'
import { freePort } from '#tests/helpers/net'
import { cpuSeconds, runQueueWaitSeconds } from './helpers/proc.js'
import { MailServerProcess, type MailServerMode } from './helpers/mail_server.js'
import { logIn, measurePages, startWebServer, untilServing } from './helpers/web_server.js'

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 3000)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4)
const WEB_PORT = Number(process.env.BENCH_PORT ?? 3364)
const BASE = `http://127.0.0.1:${WEB_PORT}`
const WORKER_NICE = Number(process.env.BENCH_WORKER_NICE ?? 0)

type Mode = MailServerMode
const ALL_PHASES: { key: string; name: string; mode: Mode; sending: boolean }[] = [
  { key: 'baseline', name: 'baseline: no sending', mode: 'healthy', sending: false },
  { key: 'healthy', name: 'healthy sink', mode: 'healthy', sending: true },
  { key: 'silent', name: 'silent (greeting timeout)', mode: 'silent', sending: true },
  { key: '451', name: '451 to every RCPT', mode: '451', sending: true },
  { key: '550', name: '550 to every RCPT', mode: '550', sending: true },
  { key: 'drop', name: 'drop mid-DATA', mode: 'drop', sending: true },
  { key: 'refused', name: 'refused (nothing listening)', mode: 'refused', sending: true },
  { key: 'baseline-again', name: 'baseline again: no sending', mode: 'healthy', sending: false },
]
// BENCH_PHASES=baseline,healthy,baseline-again measures only those, in that order.
const PHASES = process.env.BENCH_PHASES
  ? process.env.BENCH_PHASES.split(',').map((key) => {
      const phase = ALL_PHASES.find((candidate) => candidate.key === key.trim())
      if (!phase) throw new Error(`BENCH_PHASES: no phase "${key}"`)
      return phase
    })
  : ALL_PHASES

process.env.REDIS_DB ??= '6'
process.env.PORT = String(WEB_PORT)
process.env.HOST = '127.0.0.1'
process.env.APP_URL = BASE
// The benchmark measures pages, not the API's quota.
process.env.API_RATE_LIMIT = '100000000'
useProductionTimings()
compileApp()
const smtpPort = await freePort()
process.env.SMTP_HOST = '127.0.0.1'
process.env.SMTP_PORT = String(smtpPort)

const { app, removeSqliteFile } = await bootBenchApp({
  sqliteFile: 'tmp/bench-smtp-trouble.sqlite3',
})

const { DateTime } = await import('luxon')
const { default: db } = await import('@adonisjs/lucid/services/db')
const { default: redis } = await import('@adonisjs/redis/services/main')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { default: StartRun } = await import('#sending/start_run')
const { sqlTime } = await import('#services/database/sql_time')

/**
 * Keeps the worker busy for a phase: a new mailing whenever the last one
 * stopped; at the end, every mailing of the phase is paused.
 */
class KeepSending {
  #mailingIds: number[] = []
  #timer?: NodeJS.Timeout
  #current?: { mailingId: number; runId: number }

  constructor(private owner: BigWorkspace) {}

  async start() {
    this.#current = await startMailing(this.owner, 'Under trouble')
    this.#mailingIds.push(this.#current.mailingId)
    this.#timer = setInterval(() => void this.#check(), 500)
    return this.#current
  }

  async #check() {
    const run = await db.from('mailing_runs').where('id', this.#current!.runId).first()
    if (!this.#timer || run.status === 'running') return
    this.#current = await startMailing(this.owner, 'Under trouble, again')
    this.#mailingIds.push(this.#current.mailingId)
  }

  async stop() {
    clearInterval(this.#timer)
    this.#timer = undefined
    await db.from('mailings').whereIn('id', this.#mailingIds).update({ status: 'paused' })
    await db
      .from('mailing_runs')
      .whereIn('mailing_id', this.#mailingIds)
      .where('status', 'running')
      .update({ status: 'paused' })
  }
}

const trouble = new MailServerProcess(smtpPort)
const worker = new BenchWorker()
let web: ServiceProcess | undefined
let failure: string | null = null
const loadAtStart = loadAverages()
try {
  await new MigrationRunner(db, app, { direction: 'up' }).run()
  await redis.flushdb()
  const owner = await seedBigWorkspace(RECIPIENTS, 'trouble', 'Trouble Owner')
  web = await startWebServer()
  await untilServing(web, BASE)
  await trouble.switchTo('healthy')
  await worker.start()
  // BENCH_WORKER_NICE=10: the worker at a lower CPU priority than the web server.
  if (WORKER_NICE) setPriority(worker.pid!, WORKER_NICE)
  const session = await logIn(BASE, owner.user.email)
  const api = { authorization: `Bearer ${owner.token}` }

  // A mailing already sent, for the baseline's mailing page and log.
  const history = await startMailing(owner, 'History')
  await untilStopped(history.runId, 600_000)

  const results: PhaseResult[] = []
  for (const phase of PHASES) {
    await trouble.switchTo(phase.mode)
    const sending = phase.sending ? new KeepSending(owner) : null
    const target = sending ? await sending.start() : history
    // Let the worker meet the server before measuring (and, for the
    // baseline, the last attempts of the history fall out of the window).
    await sleep(1500)

    const startedAt = DateTime.now()
    const cpuBefore = [cpuSeconds(worker.pid), cpuSeconds(web.pid), cpuSeconds(trouble.pid)]
    const webWaitedBefore = runQueueWaitSeconds(web.pid)
    const pages: Record<string, string> = {
      'dashboard': '/dashboard',
      'mailing page': `/mailings/${target.mailingId}`,
      'its polled numbers': `/mailings/${target.mailingId}/stats`,
      'clients list': '/clients',
      'delivery log': `/mailings/${target.mailingId}/deliveries`,
      'API delivery log': `/api/v1/mailings/${target.mailingId}/deliveries`,
    }
    const headers = { page: session, api }
    await measurePages(BASE, pages, headers, 5, CONCURRENCY) // warm-up: modules loaded, code optimised
    const latencies = await measurePages(BASE, pages, headers, REQUESTS, CONCURRENCY)
    const seconds = DateTime.now().diff(startedAt).as('seconds')
    const share = (now: number, before: number) =>
      `${Math.round((100 * (now - before)) / seconds)} %`
    const activity = [
      await workerActivity(startedAt),
      `CPU of a core: worker ${share(cpuSeconds(worker.pid), cpuBefore[0])}, web ${share(cpuSeconds(web.pid), cpuBefore[1])}, SMTP server ${share(cpuSeconds(trouble.pid), cpuBefore[2])}`,
      `web ready but waiting for a CPU ${formatMs((1000 * (runQueueWaitSeconds(web.pid) - webWaitedBefore)) / (REQUESTS * Object.keys(pages).length))} a request`,
      `${seconds.toFixed(1)} s`,
    ].join(' · ')
    await sending?.stop()
    results.push({ phase: phase.name, latencies, activity })
    console.log(`  ${phase.name}: done (${activity})`)
  }
  print(results)
} catch (error) {
  failure = (error as Error).message
} finally {
  await worker.stop()
  await web?.stop()
  await trouble.close()
  await redis.flushdb().catch(() => {})
  await app.terminate()
  await removeSqliteFile()
}
if (failure) {
  console.error(`bench:smtp-trouble failed: ${failure}`)
  process.exitCode = 1
}

interface PhaseResult {
  phase: string
  latencies: Record<string, number[]>
  activity: string
}

/**
 * A mailing to every client, its run started now with its batches queued
 * (what "send now" does).
 */
async function startMailing(owner: BigWorkspace, name: string) {
  const mailing = await createMailingToAll(owner, name)
  const run = await StartRun.handle(mailing, mailing.startAt, { dispatch: true })
  return { mailingId: mailing.id, runId: run!.id }
}

async function untilStopped(runId: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const run = await db.from('mailing_runs').where('id', runId).first()
    if (run.status !== 'running') return run.status as string
    if (Date.now() > deadline) throw new Error(`Run ${runId} still running after ${timeoutMs} ms`)
    await sleep(200)
  }
}

/**
 * What the worker recorded since `since`: attempts by outcome.
 */
async function workerActivity(since: LuxonDateTime) {
  const rows = await db
    .from('delivery_attempts')
    .where('attempted_at', '>=', sqlTime(since))
    .groupBy('outcome')
    .select('outcome', db.raw('count(*) as count'))
  if (rows.length === 0) return 'no attempt recorded'
  return rows.map((row) => `${row.count} ${row.outcome}`).join(', ')
}

function print(results: PhaseResult[]) {
  const labels = Object.keys(results[0].latencies)
  const quiet = results.filter((_, index) => !PHASES[index].sending)
  const baselineP95 = (label: string) =>
    latencySummary(quiet.flatMap((result) => result.latencies[label])).p95
  const lines = [
    '',
    `Pages while the mail server misbehaves: ${REQUESTS} requests a page, ${CONCURRENCY} in flight, ${RECIPIENTS.toLocaleString('en')} recipients a mailing`,
    `Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} · SQLite · web server (production mode) under ts-node · ${BENCH_BUILT ? 'built worker' : 'worker under ts-node'}${WORKER_NICE ? `, nice ${WORKER_NICE}` : ''}`,
    `load average (1 / 5 / 15 min) at start ${loadAtStart}, at the end ${loadAverages()}`,
    '',
    `${'p50 / p95'.padEnd(30)}${labels.map((label) => label.padStart(22)).join('')}`,
  ]
  for (const result of results) {
    const cells = labels.map((label) => {
      const { median, p95 } = latencySummary(result.latencies[label])
      return `${formatMs(median)} / ${formatMs(p95)}`.padStart(22)
    })
    lines.push(`${result.phase.padEnd(30)}${cells.join('')}`)
  }
  lines.push(
    '',
    `${'p95 × baseline p95'.padEnd(30)}${labels.map((label) => label.padStart(22)).join('')}`
  )
  for (const result of results.filter((_, index) => PHASES[index].sending)) {
    const cells = labels.map((label) => {
      const ratio = latencySummary(result.latencies[label]).p95 / baselineP95(label)
      return `${ratio.toFixed(2)} ×`.padStart(22)
    })
    lines.push(`${result.phase.padEnd(30)}${cells.join('')}`)
  }
  lines.push(
    '',
    'during each measure: worker attempts by outcome · CPU · web run-queue wait · duration'
  )
  for (const result of results) lines.push(`  ${result.phase.padEnd(28)}${result.activity}`)
  console.log(lines.join('\n') + '\n')
}
