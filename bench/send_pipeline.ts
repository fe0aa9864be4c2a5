/*
|--------------------------------------------------------------------------
| Sending pipeline benchmark: `npm run bench:send` (`-- --full` for 100,000)
|--------------------------------------------------------------------------
|
| Sends N messages twice into the same fast local SMTP sink (Postfix's
| smtp-sink, installed with apt-get when missing and running as root):
|
| 1. baseline: straight through a pooled nodemailer transport configured
|    like the engine's (same pool size, maxRequeues 0), as fast as it goes;
| 2. pipeline: a mailing to N clients through the whole engine: StartRun
|    (deliveries fixed, batches queued in Redis), real worker processes
|    (`node ace queue:listen`), SMTP, attempt rows and counters, until the
|    run is completed.
|
| Prints both rates, their ratio (goal ≥ 0.85) and the workers' peak
| memory (goal < 200 MB at 100,000 recipients).
|
| Its own SQLite file (tmp/bench-send.sqlite3, recreated) and Redis DB index
| (REDIS_DB, default 8, flushed first): development and test data are never
| touched.
|
| Workers run as in production (README, "Running in production"): compiled
| by `node ace build` at the start, NODE_ENV=production, the workers' heap
| budget (WORKER_NODE_OPTIONS), one per core.
|
| Options (environment): BENCH_RECIPIENTS (20000; 100000 with --full),
| BENCH_WORKERS (one per core), BENCH_PROFILE (a folder for the workers'
| CPU profiles), BENCH_BUILT (0: run the TypeScript sources under ts-node
| instead of a build), SEND_BATCH_SIZE (500), QUEUE_CONCURRENCY (the pool
| size), SMTP_POOL_SIZE (config/sending.ts default).
|
*/

import 'reflect-metadata'
import { availableParallelism, cpus, totalmem } from 'node:os'
import { connect } from 'node:net'
import { execSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { bootBenchApp } from './helpers/boot_app.js'
import { createBenchOwner } from './helpers/owners.js'
import { BenchWorker, compileApp, useProductionTimings } from './helpers/bench_worker.js'
import { cpuSeconds } from './helpers/proc.js'
import { freePort } from './helpers/net.js'
import nodemailer from 'nodemailer'

const FULL = process.argv.includes('--full')
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? (FULL ? 100_000 : 20_000))
// Workers are how the engine scales: one process per core, as the README
// recommends for production.
const WORKERS = Number(process.env.BENCH_WORKERS ?? availableParallelism())
const DATABASE = 'tmp/bench-send.sqlite3'
const SUBJECT = 'News for {{ client.full_name }}'

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

compileApp()
const sink = await startSink()
process.env.SMTP_HOST = '127.0.0.1'
process.env.SMTP_PORT = String(sink.port)

const { app, removeSqliteFile } = await bootBenchApp({ sqliteFile: DATABASE })

const { DateTime } = await import('luxon')
const { default: db } = await import('@adonisjs/lucid/services/db')
const { default: redis } = await import('@adonisjs/redis/services/main')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { default: sendingConfig } = await import('#config/sending')
const { campaignTransportOptions } = await import('#sending/smtp_transport')
const { compileMessage } = await import('#sending/message_renderer')
const { unsubscribeHeaders, unsubscribeUrl } = await import('#sending/unsubscribe_links')
const { default: Message } = await import('#models/message')
const { default: Mailing } = await import('#models/mailing')
const { default: StartRun } = await import('#sending/start_run')

const workers: BenchWorker[] = []
try {
  await new MigrationRunner(db, app, { direction: 'up' }).run()
  await redis.flushdb()

  const poolSize = sendingConfig.poolSize
  process.env.QUEUE_CONCURRENCY ??= String(poolSize)

  console.log(
    `\nSending ${RECIPIENTS.toLocaleString('en')} messages into ${sink.name} on port ${sink.port}…`
  )

  // 1. Baseline: pooled nodemailer alone.
  const baselineCpu = process.cpuUsage()
  const baselineMs = await sendStraight(RECIPIENTS, poolSize)
  const { user, system } = process.cpuUsage(baselineCpu)
  const baselineCpuMs = (user + system) / 1000
  const baselineRate = RECIPIENTS / (baselineMs / 1000)
  console.log(`  baseline done in ${(baselineMs / 1000).toFixed(1)} s`)

  // 2. Pipeline: a mailing through run start, queue, workers, SMTP, rows.
  const { mailing } = await seedMailing(RECIPIENTS)
  for (let index = 0; index < WORKERS; index++) {
    // BENCH_PROFILE=<dir> writes each worker's CPU profile there (Chrome DevTools format).
    const profile = process.env.BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : []
    const worker = new BenchWorker({}, [], profile)
    await worker.start()
    workers.push(worker)
  }

  const workersCpuAtStart = workers.map((worker) => cpuSeconds(worker.pid))
  const startedAt = performance.now()
  const run = await StartRun.handle(mailing, mailing.startAt, { dispatch: true })
  if (!run) throw new Error('The run did not start (it already existed?)')
  const dispatchedMs = performance.now() - startedAt

  let final: { status: string; sent: number; failed: number; skipped: number } | undefined
  for (;;) {
    const row = await db.from('mailing_runs').where('id', run.id).first()
    for (const worker of workers) worker.peakMemoryKb()
    if (row.status !== 'running') {
      final = row
      break
    }
    if (workers.some((worker) => !worker.running)) {
      throw new Error(`A worker exited during the run:\n${workers.map((w) => w.log).join('\n')}`)
    }
    await sleep(100)
  }
  const pipelineMs = performance.now() - startedAt
  const workersCpuMs =
    1000 *
    workers.reduce(
      (total, worker, index) => total + cpuSeconds(worker.pid) - workersCpuAtStart[index],
      0
    )
  const peaks = workers.map((worker) => worker.peakMemoryKb())
  if (final!.status !== 'completed' || Number(final!.sent) !== RECIPIENTS) {
    throw new Error(`The run ended ${final!.status} with ${JSON.stringify(final)}`)
  }
  const pipelineRate = RECIPIENTS / (pipelineMs / 1000)

  const [attempts] = await db.from('delivery_attempts').count('* as count')
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`
  const perMessage = (cpuMs: number) => `${((cpuMs / RECIPIENTS) * 1000).toFixed(0)} µs`
  const rate = (value: number) => `${Math.round(value).toLocaleString('en')} messages/s`
  const ratio = pipelineRate / baselineRate
  const peak = Math.max(...peaks)

  console.log(
    [
      '',
      `Sending pipeline, ${RECIPIENTS.toLocaleString('en')} recipients, into ${sink.name}`,
      `Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} · ${(totalmem() / 2 ** 30).toFixed(1)} GB · SQLite`,
      `pool ${poolSize} connections · ${WORKERS} worker(s) × ${process.env.QUEUE_CONCURRENCY} jobs · batches of ${sendingConfig.batchSize}`,
      '',
      `baseline, pooled nodemailer alone   ${rate(baselineRate).padEnd(20)} (${(baselineMs / 1000).toFixed(1)} s)`,
      `pipeline, start to completed run    ${rate(pipelineRate).padEnd(20)} (${(pipelineMs / 1000).toFixed(1)} s, of which run start + dispatch ${(dispatchedMs / 1000).toFixed(1)} s)`,
      `  ratio to the baseline             ${ratio.toFixed(2)}   (goal ≥ 0.85${ratio >= 0.85 ? ', met' : ', NOT met'})`,
      `  CPU per message                   ${perMessage(baselineCpuMs)} baseline (its process) · ${perMessage(workersCpuMs)} pipeline (the workers)`,
      `  worker peak memory (VmHWM)        ${peaks.map(mb).join(', ')}   (goal < 200 MB at 100,000${peak < 200 * 1024 ? '' : ', NOT met'})`,
      `  deliveries sent / attempt rows    ${Number(final!.sent).toLocaleString('en')} / ${Number(attempts.count).toLocaleString('en')}`,
      '',
    ].join('\n')
  )
} finally {
  await Promise.all(workers.map((worker) => worker.stop()))
  await redis.flushdb().catch(() => {})
  await app.terminate()
  await sink.stop()
  await removeSqliteFile()
}

/**
 * A verified owner with a workspace, N clients (bulk inserted), a message
 * and a mailing to all of them whose window contains now.
 */
async function seedMailing(count: number) {
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
          created_at: now,
          updated_at: now,
        })
      }
      await trx.table('clients').multiInsert(rows)
    }
  })
  const message = await Message.create({
    tenantId: tenant.id,
    subject: SUBJECT,
    ...messageBody('{{ client.full_name }}', '{{ unsubscribe_url }}'),
  })
  const startAt = DateTime.utc().startOf('second')
  const mailing = await Mailing.create({
    tenantId: tenant.id,
    messageId: message.id,
    name: 'Benchmark',
    audience: 'all',
    periodicity: 'once',
    startAt,
    endAt: startAt.plus({ days: 1 }),
    status: 'created',
    nextRunAt: null,
    createdById: user.id,
  })
  return { user, tenant, mailing }
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
 * messages the pipeline sends (the same template rendered for each client,
 * with the same unsubscribe links and headers): only the engine differs.
 */
async function sendStraight(count: number, poolSize: number) {
  // The engine's own transport settings (Nagle off included), pointed at the sink.
  const transport = nodemailer.createTransport({
    ...campaignTransportOptions(),
    maxConnections: poolSize,
  })
  const render = compileMessage({
    subject: SUBJECT,
    ...messageBody('{{ client.full_name }}', '{{ unsubscribe_url }}'),
  })
  let next = 0
  const sender = async () => {
    while (next < count) {
      const index = next++
      const client = {
        full_name: `Client ${index}`,
        email: `client.${index}@example-${index % 97}.com`,
      }
      const url = unsubscribeUrl({ id: index + 1, tenantId: 1 })
      const rendered = render({ client, unsubscribe_url: url })
      await transport.sendMail({
        from: { name: 'Mailings', address: 'hello@mailings.test' },
        to: { name: client.full_name, address: client.email },
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html ?? undefined,
        headers: unsubscribeHeaders(url),
        messageId: `<baseline-${index}@localhost>`,
      })
    }
  }
  const startedAt = performance.now()
  await Promise.all(Array.from({ length: poolSize * 2 }, sender))
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
