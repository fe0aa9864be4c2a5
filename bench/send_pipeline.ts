/*
|--------------------------------------------------------------------------
| Sending pipeline benchmark: `npm run bench:send` (`-- --full` for 100,000)
|--------------------------------------------------------------------------
|
| Sends N messages into the same fast local SMTP sink (Postfix's smtp-sink,
| installed with apt-get when missing and running as root), in passes; each
| pass measures, one right after the other:
|
| 1. baseline: the very messages the pipeline sends (rendered, enveloped and
|    made into mail by the engine's own functions: send_delivery.ts
|    `mailOf`), straight through a pooled nodemailer transport configured
|    like the engine's (same pool size, maxRequeues 0), as fast as it goes,
|    nodemailer deciding each message's transfer encodings as it does by
|    itself (BENCH_BASELINE_ENCODING=engine: as the engine decided them);
| 2. pipeline: a mailing to N clients through the whole engine: StartRun
|    (deliveries fixed, batches queued in Redis), real worker processes
|    (`node ace queue:listen`), SMTP, attempt rows and counters, until the
|    run is completed.
|
| By default one pass with a single worker, then one with a worker per core:
| both ratios (goal ≥ 0.85) against their own baseline, the CPU each side
| spent per message (the engine's own cost, robust to the machine's load),
| the database server's and Redis's CPU per message, and the workers' peak
| memory (goal < 200 MB at 100,000 recipients).
|
| Its own database (SQLite: tmp/bench-send.sqlite3, recreated; PostgreSQL
| with DB_CONNECTION=postgres: DB_DATABASE, default mailings_bench_send,
| dropped and created again, so it must have "bench" in its name) and Redis
| DB index (REDIS_DB, default 8, flushed first): development and test data
| are never touched.
|
| Workers run as in production (README, "Running in production"): compiled
| by `node ace build` at the start, NODE_ENV=production, the workers' heap
| budget (WORKER_NODE_OPTIONS).
|
| Options (environment): BENCH_RECIPIENTS (20000; 100000 with --full),
| BENCH_WORKERS (the passes' worker counts, "1,<cores>"; "2" for one pass),
| BENCH_ATTRIBUTES (1: the clients have attributes and the message names
| one, `{{ client.attributes.company }}`, so the claims return them),
| BENCH_PROFILE (a folder for the workers' CPU profiles; summed up by
| bench/cpu_profile_summary.ts), BENCH_BUILT (0: run the TypeScript sources
| under ts-node instead of a build), SEND_BATCH_SIZE (500),
| QUEUE_CONCURRENCY (config/queue.ts: twice the pool), SMTP_POOL_SIZE (config/sending.ts
| default).
|
*/

import 'reflect-metadata'
import { availableParallelism, cpus, totalmem } from 'node:os'
import { connect } from 'node:net'
import { execSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Session } from 'node:inspector'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { bootBenchApp } from './helpers/boot_app.js'
import { createBenchOwner } from './helpers/owners.js'
import { BenchWorker, compileApp, useProductionTimings } from './helpers/bench_worker.js'
import { cpuSeconds, peakResidentKb } from './helpers/proc.js'
import { freePort } from '#tests/helpers/net'
import { loadAverages } from './helpers/latency.js'
import {
  BackendCpu,
  dropBenchDatabase,
  postgresSettings,
  recreateBenchDatabase,
} from './helpers/postgres.js'
import nodemailer from 'nodemailer'

const FULL = process.argv.includes('--full')
// Bare nodemailer decides each message's transfer encodings itself, as it
// does for anyone who calls it; the engine decides them once per batch
// (app/sending/text_encoding.ts). BENCH_BASELINE_ENCODING=engine hands the
// baseline the engine's decisions too, to see the engine's cost alone.
const BASELINE_DECIDES_ENCODING = process.env.BENCH_BASELINE_ENCODING !== 'engine'
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? (FULL ? 100_000 : 20_000))
// Workers are how the engine scales: one process per core, as the README
// recommends for production. One worker alone shows the engine's own cost.
const PASSES = (process.env.BENCH_WORKERS ?? [...new Set([1, availableParallelism()])].join(','))
  .split(',')
  .map(Number)
  .filter((count) => count > 0)
const DATABASE = 'tmp/bench-send.sqlite3'
const POSTGRES = process.env.DB_CONNECTION === 'postgres'
const SUBJECT = 'News for {{ client.full_name }}'
const WITH_ATTRIBUTES = process.env.BENCH_ATTRIBUTES === '1'
/**
 * How the message greets its client: by name, and by company when the
 * clients have attributes.
 */
const GREETING = WITH_ATTRIBUTES
  ? '{{ client.full_name }} of {{ client.attributes.company }}'
  : '{{ client.full_name }}'
const attributesOf = (index: number) => ({ company: `Company ${index % 500}`, seats: index % 100 })

// The committed test configuration (.env.test) boots the app; everything
// that could touch shared data is the benchmark's own.
process.env.REDIS_DB ??= '8'
process.env.PORT ??= '3494'
process.env.APP_URL ??= `http://localhost:${process.env.PORT}`
process.env.SEND_BATCH_SIZE ??= '500'
process.env.SCHEDULER_INTERVAL = '1s'
// Production timings instead of the test suite's short ones: a 2 s job
// lock would let a busy worker's batches be taken over as "stalled".
useProductionTimings()

const postgres = postgresSettings('mailings_bench_send')
if (POSTGRES) {
  await recreateBenchDatabase(postgres)
  if (process.env.BENCH_DEBUG) await explainSlowStatements(postgres)
  Object.assign(process.env, {
    DB_HOST: postgres.host,
    DB_PORT: String(postgres.port),
    DB_USER: postgres.user,
    DB_DATABASE: postgres.database,
  })
}

compileApp()
const sink = await startSink()
process.env.SMTP_HOST = '127.0.0.1'
process.env.SMTP_PORT = String(sink.port)

const { app, removeSqliteFile } = await bootBenchApp({ sqliteFile: DATABASE, postgres: true })

const { DateTime } = await import('luxon')
const { default: db } = await import('@adonisjs/lucid/services/db')
const { default: redis } = await import('@adonisjs/redis/services/main')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { default: sendingConfig } = await import('#config/sending')
const { default: queueConfig } = await import('#config/queue')
const { campaignTransportOptions } = await import('#sending/smtp_transport')
const { compileMessage } = await import('#sending/message_renderer')
const { envelopeFor } = await import('#sending/envelope')
const { envelopeSenderOf } = await import('#sending/return_path')
const { senderIdentityFor } = await import('#sending/sender_identity')
const { mailOf } = await import('#sending/send_delivery')
const { default: Message } = await import('#models/message')
const { default: Mailing } = await import('#models/mailing')
const { default: StartRun } = await import('#sending/start_run')

interface PassResult {
  workers: number
  baselineRate: number
  baselineMs: number
  pipelineRate: number
  pipelineMs: number
  dispatchedMs: number
  /** CPU per message in microseconds. */
  baselineCpu: number
  workersCpu: number
  benchCpu: number
  databaseCpu: number | null
  redisCpu: number
  peaks: number[]
  sent: number
  attempts: number
  load: string
}

const µs = (value: number) => `${Math.round(value).toLocaleString('en')} µs`
const rate = (value: number) => `${Math.round(value).toLocaleString('en')} messages/s`
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`

const workers: BenchWorker[] = []
try {
  await new MigrationRunner(db, app, { direction: 'up' }).run()
  await redis.flushdb()

  const poolSize = sendingConfig.poolSize
  process.env.QUEUE_CONCURRENCY ??= String(queueConfig.worker.concurrency)
  const owner = await seedClients(RECIPIENTS)

  console.log(
    `\nSending ${RECIPIENTS.toLocaleString('en')} messages into ${sink.name} on port ${sink.port}, passes with ${PASSES.join(', ')} worker(s)…`
  )

  const results: PassResult[] = []
  for (const workerCount of PASSES) {
    results.push(await measurePass(workerCount, owner, poolSize))
    printPass(results.at(-1)!)
  }
  printSummary(results, poolSize)
  if (POSTGRES && process.env.BENCH_DEBUG) {
    const tables = await db.rawQuery(
      `SELECT relname, seq_scan, seq_tup_read, idx_scan, n_tup_ins, n_tup_upd FROM pg_stat_user_tables WHERE seq_scan + coalesce(idx_scan, 0) > 0 ORDER BY relname`
    )
    console.table(tables.rows)
    const database = await db.rawQuery(
      `SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated FROM pg_stat_database WHERE datname = current_database()`
    )
    console.table(database.rows)
  }
} finally {
  await Promise.all(workers.map((worker) => worker.stop()))
  await redis.flushdb().catch(() => {})
  await app.terminate()
  await sink.stop()
  await removeSqliteFile()
  if (POSTGRES) await dropBenchDatabase(postgres).catch(() => {})
}

/**
 * One pass: the baseline, then the pipeline with `workerCount` workers
 * started for it (and stopped after), each with its CPU accounted for.
 */
async function measurePass(
  workerCount: number,
  owner: Awaited<ReturnType<typeof seedClients>>,
  poolSize: number
): Promise<PassResult> {
  const load = loadAverages()

  // 1. Baseline: pooled nodemailer alone, in this process.
  const baselineCpu = process.cpuUsage()
  const baselineMs = await profiled(`baseline-${workerCount}`, () =>
    sendStraight(RECIPIENTS, poolSize, owner.tenant.id)
  )
  const baselineUsage = process.cpuUsage(baselineCpu)
  const baselineCpuMs = (baselineUsage.user + baselineUsage.system) / 1000
  console.log(`  baseline done in ${(baselineMs / 1000).toFixed(1)} s`)

  // 2. Pipeline: a mailing through run start, queue, workers, SMTP, rows.
  const mailing = await createMailing(owner, workerCount)
  for (let index = 0; index < workerCount; index++) {
    // BENCH_PROFILE=<dir> writes each worker's CPU profile there (Chrome DevTools
    // format), in a folder per pass.
    const profile = process.env.BENCH_PROFILE
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${join(process.env.BENCH_PROFILE, `workers-${workerCount}`)}`,
        ]
      : []
    const worker = new BenchWorker({}, [], profile)
    await worker.start()
    workers.push(worker)
  }

  const databaseCpu = POSTGRES ? new BackendCpu(postgresBackends) : null
  await databaseCpu?.start()
  const redisAtStart = await redisCpuSeconds()
  const workersCpuAtStart = workers.map((worker) => cpuSeconds(worker.pid))
  const benchCpuAtStart = process.cpuUsage()
  const startedAt = performance.now()
  const run = await StartRun.handle(mailing, mailing.startAt, { dispatch: true })
  if (!run) throw new Error('The run did not start (it already existed?)')
  const dispatchedMs = performance.now() - startedAt

  let final: { status: string; sent: number; failed: number; skipped: number } | undefined
  for (;;) {
    const row = await db.from('mailing_runs').where('id', run.id).first()
    await databaseCpu?.sample()
    if (row.status !== 'running') {
      final = row
      break
    }
    if (workers.some((worker) => !worker.running)) {
      throw new Error(`A worker exited during the run:\n${workers.map((w) => w.output).join('\n')}`)
    }
    await sleep(100)
  }
  const pipelineMs = performance.now() - startedAt
  const benchUsage = process.cpuUsage(benchCpuAtStart)
  const workersCpuMs =
    1000 *
    workers.reduce(
      (total, worker, index) => total + cpuSeconds(worker.pid) - workersCpuAtStart[index],
      0
    )
  const redisCpuMs = 1000 * ((await redisCpuSeconds()) - redisAtStart)
  const peaks = workers.map((worker) => peakResidentKb(worker.pid))
  if (final!.status !== 'completed' || Number(final!.sent) !== RECIPIENTS) {
    throw new Error(`The run ended ${final!.status} with ${JSON.stringify(final)}`)
  }
  const [attempts] = await db.from('delivery_attempts').where('run_id', run.id).count('* as count')

  await Promise.all(workers.map((worker) => worker.stop()))
  if (process.env.BENCH_DEBUG) for (const worker of workers) console.log(worker.output.slice(-4000))
  workers.length = 0

  const perMessage = (cpuMs: number) => (cpuMs / RECIPIENTS) * 1000
  return {
    workers: workerCount,
    baselineMs,
    baselineRate: RECIPIENTS / (baselineMs / 1000),
    pipelineMs,
    pipelineRate: RECIPIENTS / (pipelineMs / 1000),
    dispatchedMs,
    baselineCpu: perMessage(baselineCpuMs),
    workersCpu: perMessage(workersCpuMs),
    benchCpu: perMessage((benchUsage.user + benchUsage.system) / 1000),
    databaseCpu: databaseCpu ? perMessage(databaseCpu.seconds() * 1000) : null,
    redisCpu: perMessage(redisCpuMs),
    peaks,
    sent: Number(final!.sent),
    attempts: Number(attempts.count),
    load,
  }
}

/**
 * Runs `work`, under V8's profiler when BENCH_PROFILE is set: the
 * baseline's profile goes next to the workers', for bench/cpu_profile_summary.ts.
 */
async function profiled<T>(name: string, work: () => Promise<T>) {
  const folder = process.env.BENCH_PROFILE
  if (!folder) return work()
  const session = new Session()
  session.connect()
  const post = (method: string) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result)))
    )
  await post('Profiler.enable')
  await post('Profiler.start')
  try {
    return await work()
  } finally {
    const { profile } = await post('Profiler.stop')
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, `${name}.cpuprofile`), JSON.stringify(profile))
    session.disconnect()
  }
}

/**
 * BENCH_DEBUG on PostgreSQL: the plans of the benchmark database's
 * statements slower than 20 ms go to the server's log (auto_explain).
 */
async function explainSlowStatements(settings: typeof postgres) {
  const { default: knex } = await import('knex')
  const admin = knex({ client: 'pg', connection: settings, pool: { min: 0, max: 1 } })
  try {
    const name = `"${settings.database}"`
    await admin.raw(`ALTER DATABASE ${name} SET session_preload_libraries = 'auto_explain'`)
    await admin.raw(`ALTER DATABASE ${name} SET auto_explain.log_min_duration = '20ms'`)
    await admin.raw(`ALTER DATABASE ${name} SET auto_explain.log_analyze = on`)
  } finally {
    await admin.destroy()
  }
}

/**
 * The PostgreSQL backends serving the benchmark's database: the workers'
 * connections and this process's.
 */
async function postgresBackends() {
  const result = await db.rawQuery(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`
  )
  return (result.rows as { pid: number }[]).map((row) => Number(row.pid))
}

/**
 * CPU the Redis server has used (all of it: every client's commands, not
 * just the benchmark's, when the Redis is shared).
 */
async function redisCpuSeconds() {
  const info = await redis.info('cpu')
  const value = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0)
  return value('used_cpu_user') + value('used_cpu_sys')
}

function printPass(result: PassResult) {
  const ratio = result.pipelineRate / result.baselineRate
  const engine = result.workersCpu / result.baselineCpu
  const lines = [
    '',
    `${result.workers} worker(s) · load average ${result.load} (1 / 5 / 15 min)`,
    `  baseline, pooled nodemailer alone   ${rate(result.baselineRate).padEnd(20)} (${(result.baselineMs / 1000).toFixed(1)} s)`,
    `  pipeline, start to completed run    ${rate(result.pipelineRate).padEnd(20)} (${(result.pipelineMs / 1000).toFixed(1)} s, of which run start + dispatch ${(result.dispatchedMs / 1000).toFixed(1)} s)`,
    `    ratio to the baseline             ${ratio.toFixed(2)}   (goal ≥ 0.85${ratio >= 0.85 ? ', met' : ', NOT met'})`,
    `  CPU per message: baseline (its process) ${µs(result.baselineCpu)} · workers ${µs(result.workersCpu)} · pipeline/baseline = ${engine.toFixed(2)} (goal ≤ 1.3${engine <= 1.3 ? ', met' : ', NOT met'})`,
    result.databaseCpu === null
      ? null
      : `    PostgreSQL backends ${µs(result.databaseCpu)} · (workers + backends)/baseline = ${((result.workersCpu + result.databaseCpu) / result.baselineCpu).toFixed(2)}`,
    `    run start and polling (this process) ${µs(result.benchCpu)} · Redis server ${µs(result.redisCpu)} (all of its clients)`,
    `  worker peak memory (VmHWM)          ${result.peaks.map(mb).join(', ')}`,
    `  deliveries sent / attempt rows      ${result.sent.toLocaleString('en')} / ${result.attempts.toLocaleString('en')}`,
  ]
  console.log(lines.filter((line) => line !== null).join('\n'))
}

function printSummary(results: PassResult[], poolSize: number) {
  const peak = Math.max(...results.flatMap((result) => result.peaks))
  const lines = [
    '',
    `Sending pipeline, ${RECIPIENTS.toLocaleString('en')} recipients, into ${sink.name}`,
    `Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} · ${(totalmem() / 2 ** 30).toFixed(1)} GB · ${POSTGRES ? 'PostgreSQL' : 'SQLite'}`,
    `pool ${poolSize} connections · ${process.env.QUEUE_CONCURRENCY} jobs per worker · batches of ${sendingConfig.batchSize}`,
    `transfer encodings in the baseline: ${BASELINE_DECIDES_ENCODING ? "nodemailer's, per message" : "the engine's, per batch (BENCH_BASELINE_ENCODING=engine)"}`,
    '',
    'workers  ratio  CPU per message: baseline  workers  pipeline/baseline' +
      (POSTGRES ? '  PostgreSQL  (workers+PostgreSQL)/baseline' : ''),
  ]
  for (const result of results) {
    const columns = [
      String(result.workers).padStart(7),
      (result.pipelineRate / result.baselineRate).toFixed(2).padStart(6),
      µs(result.baselineCpu).padStart(26),
      µs(result.workersCpu).padStart(8),
      (result.workersCpu / result.baselineCpu).toFixed(2).padStart(19),
    ]
    if (result.databaseCpu !== null) {
      columns.push(
        µs(result.databaseCpu).padStart(11),
        ((result.workersCpu + result.databaseCpu) / result.baselineCpu).toFixed(2).padStart(28)
      )
    }
    lines.push(columns.join(' '))
  }
  lines.push(
    `worker peak memory (VmHWM): ${mb(peak)} (goal < 200 MB at 100,000${peak < 200 * 1024 ? '' : ', NOT met'})`,
    ''
  )
  console.log(lines.join('\n'))
}

/**
 * A verified owner with a workspace and N clients (bulk inserted).
 */
async function seedClients(count: number) {
  const { user, tenant } = await createBenchOwner('Benchmark Owner', 'bench')
  const now = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '')
  await db.transaction(async (trx) => {
    const chunk = 500
    for (let first = 0; first < count; first += chunk) {
      const rows = []
      for (let index = first; index < Math.min(first + chunk, count); index++) {
        rows.push({
          tenant_id: tenant.id,
          email: `client.${index}@example-${index % 97}.com`,
          full_name: `Client ${index}`,
          ...(WITH_ATTRIBUTES ? { attributes: JSON.stringify(attributesOf(index)) } : {}),
          created_at: now,
          updated_at: now,
        })
      }
      await trx.table('clients').multiInsert(rows)
    }
  })
  return { user, tenant }
}

/**
 * A message and a mailing to all the owner's clients whose window contains
 * now, for one pass.
 */
async function createMailing(
  { user, tenant }: Awaited<ReturnType<typeof seedClients>>,
  workerCount: number
) {
  const message = await Message.create({
    tenantId: tenant.id,
    subject: SUBJECT,
    ...messageBody(GREETING, '{{ unsubscribe_url }}'),
  })
  const startAt = DateTime.utc().startOf('second')
  return Mailing.create({
    tenantId: tenant.id,
    messageId: message.id,
    name: `Benchmark, ${workerCount} worker(s), ${Date.now()}`,
    audience: 'all',
    periodicity: 'once',
    startAt,
    endAt: startAt.plus({ days: 1 }),
    status: 'created',
    nextRunAt: null,
    createdById: user.id,
  })
}

/**
 * A newsletter of ordinary size: a few paragraphs, text and HTML.
 */
function messageBody(name: string, unsubscribe: string) {
  const paragraph =
    'Our spring collection is here, with new colours and the classics you asked for. ' +
    'Orders placed this week ship for free, and members get early access to the sale.'
  return {
    bodyText: `Hello ${name},\n\n${paragraph}\n\n${paragraph}\n\nUnsubscribe: ${unsubscribe}\n`,
    bodyHtml: `<p>Hello ${name},</p><p>${paragraph}</p><p>${paragraph}</p><p><a href="${unsubscribe}">Unsubscribe</a></p>`,
  }
}

/**
 * The raw rate: the same pooled transport settings as the engine's, kept
 * busy by twice as many senders as it has connections, sending the very
 * messages the pipeline sends: each client's delivery rendered by the
 * engine's renderer into its envelope (unsubscribe link and headers, SMTP
 * envelope) and made into nodemailer's mail by the engine's own `mailOf`
 * (the workspace's From and Reply-To, the delivery's Message-ID), the same
 * bytes on the wire. The engine around the send differs (claims, attempt
 * log, settlements, queue), and so does who decides the parts' transfer
 * encodings: nodemailer for each message here, unless
 * BENCH_BASELINE_ENCODING=engine.
 */
async function sendStraight(count: number, poolSize: number, tenantId: number) {
  // The engine's own transport settings (Nagle off included), pointed at the sink.
  const transport = nodemailer.createTransport({
    ...campaignTransportOptions(),
    maxConnections: poolSize,
  })
  const render = compileMessage({
    subject: SUBJECT,
    ...messageBody(GREETING, '{{ unsubscribe_url }}'),
  })
  const sender = await senderIdentityFor(tenantId)
  const envelopeSender = envelopeSenderOf({ own: false }, sender)
  let next = 0
  const sendOneAfterAnother = async () => {
    while (next < count) {
      const index = next++
      // What a claim returns for the index-th client (seedClients).
      const delivery = {
        id: index + 1,
        runId: 1,
        tenantId,
        clientId: index + 1,
        email: `client.${index}@example-${index % 97}.com`,
        fullName: `Client ${index}`,
        attempts: 0,
        attributes: WITH_ATTRIBUTES ? attributesOf(index) : undefined,
        claim: { token: 1, at: 0 },
      }
      const envelope = envelopeFor(delivery, render, envelopeSender)
      const mail = mailOf(delivery, envelope, sender)
      await transport.sendMail(
        BASELINE_DECIDES_ENCODING
          ? { ...mail, text: envelope.rendered.text, html: envelope.rendered.html ?? undefined }
          : mail
      )
    }
  }
  const startedAt = performance.now()
  await Promise.all(Array.from({ length: poolSize * 2 }, sendOneAfterAnother))
  const elapsed = performance.now() - startedAt
  transport.close()
  return elapsed
}

/**
 * Postfix's smtp-sink on a free port, installed when missing (root only);
 * otherwise an in-process smtp-server that accepts and discards.
 */
async function startSink(): Promise<{ name: string; port: number; stop: () => Promise<void> }> {
  const port = await freePort()
  const binary = findSmtpSink() ?? installSmtpSink()
  if (binary) {
    // -u: smtp-sink refuses to keep root privileges after binding.
    const userArgs = process.getuid?.() === 0 ? ['-u', 'nobody'] : []
    const child = spawn(binary, [...userArgs, '-m', '1000', `127.0.0.1:${port}`, '1000'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let errors = ''
    child.stderr!.on('data', (chunk) => (errors += chunk.toString()))
    await waitForPort(port, () => errors)
    return {
      name: 'Postfix smtp-sink',
      port,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          child.once('exit', () => resolve())
          child.kill('SIGTERM')
        }),
    }
  }

  console.log(
    'smtp-sink is not available and could not be installed: using an in-process smtp-server sink (slower, shares this process CPU)'
  )
  const { SMTPServer } = await import('smtp-server')
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume()
      stream.on('end', () => callback())
    },
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    name: 'in-process smtp-server',
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function findSmtpSink() {
  try {
    return execSync('command -v smtp-sink', { encoding: 'utf8', shell: '/bin/sh' }).trim()
  } catch {
    return existsSync('/usr/sbin/smtp-sink') ? '/usr/sbin/smtp-sink' : null
  }
}

function installSmtpSink() {
  if (process.getuid?.() !== 0) return null
  console.log('Installing Postfix for its smtp-sink (apt-get install postfix)…')
  try {
    execSync('apt-get install -y postfix', {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
  } catch {
    return null
  }
  return existsSync('/usr/sbin/smtp-sink') ? '/usr/sbin/smtp-sink' : null
}

async function waitForPort(port: number, errors: () => string) {
  for (let tries = 0; tries < 100; tries++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await sleep(50)
  }
  throw new Error(`The SMTP sink did not listen on ${port}: ${errors()}`)
}
