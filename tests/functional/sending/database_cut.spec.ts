import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import { Queue } from 'bullmq'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { redisConnection } from '#config/redis'
import queueConfig from '#config/queue'
import MailingRun from '#models/mailing_run'
import SendBatchJob from '#jobs/send_batch_job'
import { batchRanges } from '#sending/batch_ranges'
import { smtp } from '#tests/helpers/peers'
import { startedRun } from '#tests/helpers/sending'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'

/*
 * The database cutting a worker's connections mid-batch (a restart, a
 * failover, pg_terminate_backend), as the fleet test (tests/fleet) does at a
 * random moment. Here the moment is exact: the test holds a lock the
 * worker's statement waits for, then terminates the waiting connection.
 * PostgreSQL only (SQLite has no connections to cut).
 */
const ON_SQLITE = env.get('DB_CONNECTION') !== 'postgres'
const SKIP_REASON = 'Cutting connections needs PostgreSQL'

/**
 * The production defaults' order, scaled down: BullMQ retries a failed
 * batch in 2 s, claims go stale in 3 s.
 */
const WORKER_ENV = {
  QUEUE_STALLED_INTERVAL: '1s',
  SEND_STALE_AFTER: '3s',
  SMTP_SOCKET_TIMEOUT: '60s',
}

/**
 * Terminates the connections of this database waiting for a lock on a
 * statement that contains `statement`; resolves with how many once there is
 * one. Precise enough to pick one statement: the run's row is also written
 * by the lateness stamp (run_lateness.ts), which may be waiting too.
 */
async function cutConnectionWaitingOn(statement: string) {
  return waitUntil(`"${statement}" waiting for the test's lock`, async () => {
    const result = await db.rawQuery(
      `SELECT count(pg_terminate_backend(pid))::int AS cut FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()
         AND wait_event_type = 'Lock' AND query ILIKE ?`,
      [`%${statement}%`]
    )
    return result.rows[0].cut as number
  })
}

async function sendOnOwnQueue(queueName: string, count: number) {
  const started = await startedRun(count, 'Database cut test')
  const [[fromId, toId]] = await batchRanges(started.run.id)
  const queue = new Queue(queueName, { connection: redisConnection })
  const worker = new WorkerProcess([`--queue=${queueName}`])
  await worker.start(WORKER_ENV)
  return {
    ...started,
    queue,
    worker,
    // With the retries every queued job gets (config/queue.ts).
    dispatch: () =>
      queue.add(
        SendBatchJob.$$filepath,
        { runId: started.run.id, fromId, toId },
        queueConfig.jobs as object
      ),
  }
}

/**
 * Queues the batch while the test's transaction holds what the worker's
 * `statement` waits for (`lockSql`), cuts that waiting connection, lets go,
 * then expects the run completed with one message per recipient.
 */
async function cutMidBatch(
  assert: Assert,
  sending: Awaited<ReturnType<typeof sendOnOwnQueue>>,
  statement: string,
  lockSql: string,
  bindings: number[] = []
) {
  const lock = await db.transaction()
  try {
    await lock.rawQuery(lockSql, bindings)
    await sending.dispatch()
    assert.equal(await cutConnectionWaitingOn(statement), 1)
    await lock.rollback()

    const finished = await waitUntil(
      'the run to complete',
      () => MailingRun.query().where({ id: sending.run.id, status: 'completed' }).first(),
      60_000
    )
    assert.equal(finished.sent, sending.clients.length)
    for (const client of sending.clients) {
      assert.lengthOf(smtp.messagesTo(client.email), 1, `${client.email}: one message`)
    }
  } finally {
    if (!lock.isCompleted) await lock.rollback()
    await sending.worker.stop('SIGKILL')
    await sending.queue.close()
  }
}

test.group('A database connection cut mid-batch', () => {
  test('while the batch settles: its claims go stale, the run completes, each recipient once', async ({
    assert,
  }) => {
    // Few enough to be sent within a second: the slice is settled once, at
    // its end, where a failure used to leave its claims renewed for ever.
    const sending = await sendOnOwnQueue('db-cut-settle', 10)
    // The run's row locked: the batch's settlement (statuses and the run's
    // counters, one statement) waits for it.
    await cutMidBatch(
      assert,
      sending,
      'UPDATE mailing_runs SET sent = sent +',
      'SELECT id FROM mailing_runs WHERE id = ? FOR UPDATE',
      [sending.run.id]
    )
  })
    .skip(ON_SQLITE, SKIP_REASON)
    .timeout(90_000)

  test('while a try is logged: the row is written again, the message is not sent twice', async ({
    assert,
  }) => {
    const sending = await sendOnOwnQueue('db-cut-log', 10)
    // The attempt log locked against inserts: the first message goes out,
    // and writing that the server accepted it waits.
    await cutMidBatch(
      assert,
      sending,
      'delivery_attempts',
      'LOCK TABLE delivery_attempts IN SHARE MODE'
    )
  })
    .skip(ON_SQLITE, SKIP_REASON)
    .timeout(90_000)
})
