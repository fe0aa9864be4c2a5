/*
|--------------------------------------------------------------------------
| Starting on time: `npm run bench:ontime`
|--------------------------------------------------------------------------
|
| Issue 4: "one whose start is in the future starts at start_at with
| nobody doing anything; aim for the first message within a second of it."
|
| A real worker process (`node ace queue:listen`, compiled as production
| runs it; BENCH_BUILT=0 runs the sources) and an in-process SMTP server
| that notes when each message arrives. Measured, one after the other:
|
| 1. baseline, the floor of the machinery: K application emails queued as
|    BullMQ jobs delayed until a due time (the same `default` queue, Redis
|    and worker, SendMailJob to the same SMTP server): due time → the
|    worker takes the job (BullMQ's `processedOn`), and → message received;
| 2. mailings: K once-mailings whose start is 2–4 s ahead (two instants,
|    whole seconds as the database stores them), each to two clients,
|    created with CreateMailing, which wakes the scheduler for them as it
|    does for the controllers: start_at → first message of the mailing received.
|
| The worker's tick (SCHEDULER_INTERVAL) is set to an hour, so only the
| exact wakes start the mailings. Each phase is preceded by one unmeasured
| warm-up (ts-node compiles a job's modules the first time it runs).
|
| Prints median / p95 / max of both, their ratio and the load average.
| Exits 1 with a sentence when a message never arrives or when a mailing's
| first message came later than BENCH_GOAL_MS (1000) after its start.
|
| Its own SQLite file (tmp/bench-ontime.sqlite3, recreated and removed),
| Redis DB index (REDIS_DB, default 6, flushed before and after) and ports.
| Options (environment): BENCH_MAILINGS (10), BENCH_GOAL_MS (1000),
| BENCH_BUILT, SCHEDULER_INTERVAL (1h).
|
*/

import 'reflect-metadata'
import type { DateTime as LuxonDateTime } from 'luxon'
import { cpus } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { SMTPServer } from 'smtp-server'
import { bootBenchApp } from './helpers/boot_app.js'
import { createBenchOwner } from './helpers/owners.js'
import {
  BENCH_BUILT,
  BenchWorker,
  compileApp,
  useProductionTimings,
} from './helpers/bench_worker.js'
import { formatMs, latencySummary, loadAverages } from './helpers/latency.js'
import { freePort } from '#tests/helpers/net'

const MAILINGS = Number(process.env.BENCH_MAILINGS ?? 10)
const GOAL_MS = Number(process.env.BENCH_GOAL_MS ?? 1000)
const ARRIVAL_TIMEOUT_MS = 60_000

process.env.REDIS_DB ??= '6'
process.env.PORT ??= '3363'
process.env.APP_URL ??= `http://localhost:${process.env.PORT}`
process.env.SCHEDULER_INTERVAL ??= '1h'
useProductionTimings()
compileApp()

/**
 * When each recipient's first message reached the server (epoch ms).
 */
const arrivals = new Map<string, number>()
const sinkPort = await freePort()
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    stream.resume()
    stream.on('end', () => {
      const at = Date.now()
      for (const { address } of session.envelope.rcptTo) {
        if (!arrivals.has(address)) arrivals.set(address, at)
      }
      callback()
    })
  },
})
await new Promise<void>((resolve) => sink.listen(sinkPort, '127.0.0.1', resolve))
process.env.SMTP_HOST = '127.0.0.1'
process.env.SMTP_PORT = String(sinkPort)

const { app, removeSqliteFile } = await bootBenchApp({ sqliteFile: 'tmp/bench-ontime.sqlite3' })

const { DateTime } = await import('luxon')
const { default: db } = await import('@adonisjs/lucid/services/db')
const { default: redis } = await import('@adonisjs/redis/services/main')
const { default: queue } = await import('@rlanz/bull-queue/services/main')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { default: CreateMailing } = await import('#actions/mailings/create_mailing')
const { default: SendMailJob } = await import('#jobs/send_mail_job')

type Instant = LuxonDateTime<true>

const worker = new BenchWorker({}, ['--queue=default'])
let failure: string | null = null
const loadAtStart = loadAverages()
try {
  await new MigrationRunner(db, app, { direction: 'up' }).run()
  await redis.flushdb()
  await worker.start()
  const workspace = await seedWorkspace(2 * (MAILINGS + 1))

  // 1. Baseline: delayed jobs that each send one email.
  await delayedEmails(1, 'warm-up')
  const baseline = await delayedEmails(MAILINGS, 'baseline')

  // 2. Mailings woken at their start.
  await mailingsAt(workspace, 1, 'warm-up')
  const mailings = await mailingsAt(workspace, MAILINGS, 'measured')

  const taken = latencySummary(baseline.taken)
  const base = latencySummary(baseline.received)
  const measured = latencySummary(mailings)
  const row = (label: string, values: typeof base) =>
    `${label.padEnd(48)}${formatMs(values.median).padStart(10)}${formatMs(values.p95).padStart(10)}${formatMs(values.max).padStart(10)}`
  const late = mailings.filter((latency) => latency > GOAL_MS).length
  console.log(
    [
      '',
      `Starting on time: ${MAILINGS} mailings, start 2–4 s ahead, two recipients each`,
      `Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} · SQLite · ${BENCH_BUILT ? 'built worker' : 'worker under ts-node'} · scheduler tick every ${process.env.SCHEDULER_INTERVAL}`,
      `load average (1 / 5 / 15 min) at start ${loadAtStart}, at the end ${loadAverages()}`,
      '',
      `${''.padEnd(48)}${'median'.padStart(10)}${'p95'.padStart(10)}${'max'.padStart(10)}`,
      row('floor: delayed job due → worker takes it', taken),
      row('baseline: delayed job due → its email received', base),
      row('mailing: start_at → first message received', measured),
      `${'ratio (mailing / baseline)'.padEnd(48)}${(measured.median / base.median).toFixed(1).padStart(8)} ×${(measured.p95 / base.p95).toFixed(1).padStart(8)} ×${(measured.max / base.max).toFixed(1).padStart(8)} ×`,
      '',
      `goal: every first message within ${GOAL_MS} ms of the start: ${late === 0 ? 'met' : `NOT met (${late} of ${MAILINGS} later)`}`,
      '',
    ].join('\n')
  )
  if (late > 0) {
    failure = `${late} of ${MAILINGS} mailings sent their first message more than ${GOAL_MS} ms after their start (slowest ${formatMs(measured.max)}).`
  }
} catch (error) {
  failure = (error as Error).message
} finally {
  await worker.stop()
  await redis.flushdb().catch(() => {})
  await app.terminate()
  await new Promise<void>((resolve) => sink.close(() => resolve()))
  await removeSqliteFile()
}
if (failure) {
  console.error(`bench:ontime failed: ${failure}`)
  process.exitCode = 1
}

/**
 * A verified owner, a workspace with `clients` clients and a message.
 */
async function seedWorkspace(clients: number) {
  const { user, tenant } = await createBenchOwner('On Time', 'ontime')
  const rows = await tenant.related('clients').createMany(
    Array.from({ length: clients }, (_, index) => ({
      email: `client.${index}@ontime.bench`,
      fullName: `Client ${index}`,
    }))
  )
  const message = await tenant.related('messages').create({
    subject: 'On time, {{ client.full_name }}',
    bodyText: 'Hello {{ client.full_name }}. Unsubscribe: {{ unsubscribe_url }}',
  })
  return { user, tenant, message, clientIds: rows.map((client) => client.id), used: 0 }
}

/**
 * Two whole seconds, 2–3 and 3–4 s ahead, alternately: start times are stored to
 * the second, so several mailings share each instant, as they share the
 * hour of a morning newsletter.
 */
function dueTimes(count: number): Instant[] {
  const base = DateTime.now().startOf('second').plus({ seconds: 3 })
  return Array.from({ length: count }, (_, index) => base.plus({ seconds: index % 2 }))
}

/**
 * Delayed SendMailJobs due at `dueTimes`: from due to the worker taking
 * the job (BullMQ's own `processedOn`), and from due to the email received.
 */
async function delayedEmails(count: number, label: string) {
  const due = dueTimes(count)
  const addresses = due.map((_, index) => `${label}.${index}@floor.bench`)
  const jobIds: string[] = []
  for (const [index, at] of due.entries()) {
    const job = await queue.dispatch(
      SendMailJob,
      {
        mailerName: 'smtp',
        mailMessage: {
          message: {
            to: [{ address: addresses[index], name: '' }],
            subject: 'Floor',
            text: 'A delayed job, nothing else.',
          },
          views: {},
        },
      },
      { delay: Math.max(0, at.toMillis() - Date.now()), removeOnComplete: false }
    )
    jobIds.push(job.id!)
  }
  const received = await latencies(addresses, due)
  const taken: number[] = []
  for (const [index, id] of jobIds.entries()) {
    const job = await queue.getOrSet('default').getJob(id)
    if (!job?.processedOn) throw new Error(`The delayed job ${id} has no processedOn`)
    taken.push(job.processedOn - due[index].toMillis())
    await job.remove()
  }
  return { taken, received }
}

/**
 * `count` once-mailings of two clients each, starting at `dueTimes`,
 * created and woken as the mailing controllers do; latency from start_at
 * to the first of its messages received.
 */
async function mailingsAt(
  workspace: Awaited<ReturnType<typeof seedWorkspace>>,
  count: number,
  label: string
) {
  const due = dueTimes(count)
  const firstAddresses: string[][] = []
  for (const [index, startAt] of due.entries()) {
    const clientIds = workspace.clientIds.slice(workspace.used, workspace.used + 2)
    workspace.used += 2
    await CreateMailing.handle({
      actor: { user: workspace.user, ip: null, userAgent: null },
      tenant: workspace.tenant,
      data: {
        name: `${label} ${index}`,
        messageId: workspace.message.id,
        audience: 'selected',
        clientIds,
        periodicity: 'once',
        startAt,
        endAt: startAt.plus({ hours: 1 }),
      },
    })
    firstAddresses.push(
      clientIds.map((id) => `client.${workspace.clientIds.indexOf(id)}@ontime.bench`)
    )
  }
  return latencies(firstAddresses, due)
}

/**
 * Waits for every group's first message; the latency of each from its due
 * time. A group is one address or a mailing's recipients.
 */
async function latencies(groups: (string | string[])[], due: Instant[]) {
  const deadline = Date.now() + ARRIVAL_TIMEOUT_MS
  const arrivedAt = (group: string | string[]) => {
    const times = [group]
      .flat()
      .map((address) => arrivals.get(address))
      .filter((at): at is number => at !== undefined)
    return times.length ? Math.min(...times) : undefined
  }
  while (groups.some((group) => arrivedAt(group) === undefined)) {
    if (Date.now() > deadline) {
      const missing = groups.filter((group) => arrivedAt(group) === undefined).length
      throw new Error(
        `${missing} of ${groups.length} messages had not arrived ${ARRIVAL_TIMEOUT_MS / 1000} s after they were due.\nWorker log:\n${worker.output.slice(-3000)}`
      )
    }
    await sleep(20)
  }
  return groups.map((group, index) => arrivedAt(group)! - due[index].toMillis())
}
