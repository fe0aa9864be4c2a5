import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { bootBenchApp } from './boot_app.js'
import { BenchWorker, compileApp, useProductionTimings } from './bench_worker.js'
import { createMailingToAll, seedBigWorkspace, type BigWorkspace } from './big_workspace.js'
import { startSink } from './mail_server.js'
import { freePort } from '#tests/helpers/net'
import { logIn, startWebServer, untilServing } from './web_server.js'

/**
 * What bench:scale and bench:web-load share: a large workspace on a
 * database of the benchmark's own, the real web server (built, production
 * mode) with its owner logged in, a local SMTP sink, and workers as
 * production runs them, started on demand.
 *
 * PostgreSQL when DB_CONNECTION=postgres (DB_DATABASE must name a database
 * of the benchmark's own, with "bench" in its name: its tables are dropped
 * first and last); SQLite otherwise, in `sqliteFile`. Its own Redis DB
 * index (REDIS_DB, default 8, flushed first and last), web port
 * (BENCH_PORT) and SMTP port (BENCH_SMTP_PORT, a free one by default).
 */
export async function setUpScaleBench(options: {
  clients: number
  sqliteFile: string
  defaultPort: number
}) {
  const postgres = process.env.DB_CONNECTION === 'postgres'
  if (postgres && !/bench/i.test(process.env.DB_DATABASE ?? '')) {
    throw new Error(
      'The benchmark drops every table of DB_DATABASE: give it a database of its own, with "bench" in its name.'
    )
  }
  const port = Number(process.env.BENCH_PORT ?? options.defaultPort)
  const base = `http://127.0.0.1:${port}`
  process.env.REDIS_DB ??= '8'
  process.env.PORT = String(port)
  process.env.HOST = '127.0.0.1'
  process.env.APP_URL = base
  // The benchmark measures pages and the API, not the API's quota.
  process.env.API_RATE_LIMIT = '100000000'
  process.env.SEND_BATCH_SIZE ??= '500'
  useProductionTimings()
  compileApp()

  const smtpPort = Number(process.env.BENCH_SMTP_PORT ?? (await freePort()))
  process.env.SMTP_HOST = '127.0.0.1'
  process.env.SMTP_PORT = String(smtpPort)
  const sink = await startSink(smtpPort)

  const { app, removeSqliteFile } = await bootBenchApp({
    sqliteFile: options.sqliteFile,
    postgres: true,
  })
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: redis } = await import('@adonisjs/redis/services/main')
  const { MigrationRunner } = await import('@adonisjs/lucid/migration')

  const dropTables = async () => {
    if (postgres) await db.rawQuery('DROP SCHEMA public CASCADE; CREATE SCHEMA public')
  }
  await dropTables()
  await new MigrationRunner(db, app, { direction: 'up' }).run()
  await redis.flushdb()

  const seededAt = performance.now()
  const workspace = await seedBigWorkspace(options.clients, 'scale')
  const seedSeconds = (performance.now() - seededAt) / 1000

  const web = await startWebServer({ built: true })
  const workers: BenchWorker[] = []
  const cleanUp = async () => {
    await Promise.all(workers.map((worker) => worker.stop()))
    await web.stop()
    await sink.stop()
    await redis.flushdb().catch(() => {})
    if (!process.env.BENCH_KEEP) await dropTables().catch(() => {})
    await app.terminate()
    if (!process.env.BENCH_KEEP) await removeSqliteFile()
  }
  try {
    await untilServing(web, base)
  } catch (error) {
    await cleanUp()
    throw error
  }
  const session = await logIn(base, workspace.user.email)

  return {
    db,
    base,
    sink,
    web,
    workers,
    workspace,
    seedSeconds,
    dialect: postgres ? 'PostgreSQL' : 'SQLite',
    headers: { page: session, api: { authorization: `Bearer ${workspace.token}` } },
    /**
     * BENCH_WORKERS (one per core) workers, started and listening.
     */
    async startWorkers() {
      const count = Number(process.env.BENCH_WORKERS ?? availableParallelism())
      for (let index = 0; index < count; index++) {
        const worker = new BenchWorker()
        await worker.start()
        workers.push(worker)
      }
    },
    cleanUp,
  }
}

export type ScaleBench = Awaited<ReturnType<typeof setUpScaleBench>>

/**
 * A new mailing to every client of the workspace, its run started now with
 * its batches queued (what "send now" does).
 */
export async function startMailingToAll(workspace: BigWorkspace, name: string) {
  const { default: StartRun } = await import('#sending/start_run')
  const mailing = await createMailingToAll(workspace, name)
  const run = await StartRun.handle(mailing, mailing.startAt, { dispatch: true })
  if (!run) throw new Error('The run did not start')
  return { mailing, run }
}

/**
 * Pauses the mailing as its owner does, and waits until the workers have
 * let go of its batches (no job running or waiting on the queue).
 */
export async function pauseAndDrain(bench: ScaleBench, mailingId: number) {
  const { default: Mailing } = await import('#models/mailing')
  const { default: PauseMailing } = await import('#actions/mailings/pause_mailing')
  const { default: queue } = await import('@rlanz/bull-queue/services/main')
  const mailing = await Mailing.findOrFail(mailingId)
  await PauseMailing.handle({ user: bench.workspace.user, ip: null, userAgent: null }, mailing)
  const deadline = Date.now() + 120_000
  for (;;) {
    const counts = await queue.get('default')?.getJobCounts('active', 'waiting', 'prioritized')
    if (!counts || Object.values(counts).every((count) => count === 0)) return
    if (Date.now() > deadline) throw new Error(`The queue did not drain: ${JSON.stringify(counts)}`)
    await sleep(250)
  }
}
