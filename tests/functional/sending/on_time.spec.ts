import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import queue from '@rlanz/bull-queue/services/main'
import emitter from '@adonisjs/core/services/emitter'
import { redisConnection } from '#config/redis'
import Mailing from '#models/mailing'
import MailingRun from '#models/mailing_run'
import StartRun from '#sending/start_run'
import StartDueRunsJob from '#jobs/start_due_runs_job'
import { smtp, worker as sharedWorker } from '#tests/helpers/peers'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage } from '#tests/helpers/workspace'
import { WorkerProcess } from '#tests/helpers/worker'
import { waitUntil } from '#tests/helpers/wait'
import { postForm } from '#tests/helpers/forms'

/**
 * The delayed job `wakeSchedulerFor` queues for `at`, if it is waiting.
 */
async function wakeAt(at: DateTime) {
  const job = await queue.getOrSet('default').getJob(`start-due-runs-at-${at.toMillis()}`)
  return job && (await job.getState()) === 'delayed' ? job : null
}

/**
 * A mailing of a new verified owner's workspace, to all of its `clients`,
 * saved directly with the given schedule.
 */
async function ownedMailing(
  fields: Pick<Mailing, 'periodicity' | 'startAt' | 'endAt' | 'status' | 'nextRunAt'>,
  clients = 0
) {
  const { user, tenant } = await createUser()
  const message = await createMessage(tenant)
  const mailing = await Mailing.create({
    tenantId: tenant.id,
    messageId: message.id,
    name: `${fields.periodicity} mailing`,
    audience: 'all',
    createdById: user.id,
    ...fields,
  })
  return { user, tenant, mailing, clients: await createClients(tenant, clients) }
}

/**
 * A Redis DB index of this test's own: a worker there has no scheduler tick
 * and no wake but its own.
 */
const ISOLATED_DB = (redisConnection.db + 1) % 16

/**
 * A weekly mailing whose first occurrence was an hour ago, not due for the
 * shared worker's scheduler (no next_run_at): the test starts its run.
 */
async function weeklyMailingThisTestStarts() {
  const startAt = DateTime.now().minus({ hours: 1 }).startOf('second')
  const { mailing } = await ownedMailing({
    periodicity: 'weekly',
    startAt,
    endAt: startAt.plus({ weeks: 3 }),
    status: 'created',
    nextRunAt: null,
  })
  return { mailing, startAt }
}

test.group('Starting on time', () => {
  test("a daily mailing's second occurrence is started by the wake its first run queued, not by the tick", async ({
    assert,
  }) => {
    const isolatedQueue = new Queue('default', {
      connection: { ...redisConnection, db: ISOLATED_DB },
    })
    const isolated = new Redis({ ...redisConnection, db: ISOLATED_DB })
    // A tick every 24 hours: it runs once when the worker registers it, so
    // only a wake can start an occurrence after that. The shared worker,
    // whose tick would start any due mailing of the database, is stopped
    // meanwhile.
    const worker = new WorkerProcess(['--queue=default'])
    await sharedWorker.stop()
    try {
      await isolated.flushdb()
      await worker.start({ REDIS_DB: String(ISOLATED_DB), SCHEDULER_INTERVAL: '24h' })

      // Created now, its window open since yesterday: the first run starts
      // at once, the second a few seconds from now (today's occurrence).
      const second = DateTime.now().plus({ seconds: 4 }).startOf('second')
      const schedule = {
        periodicity: 'daily' as const,
        startAt: second.minus({ days: 1 }),
        endAt: second.plus({ hours: 1 }),
      }
      const { mailing, clients } = await ownedMailing(
        {
          ...schedule,
          status: 'created',
          // What CreateMailing sets for a window that contains now.
          nextRunAt: DateTime.now(),
        },
        2
      )
      // What CreateMailing's wakeSchedulerFor does, on the isolated Redis.
      await isolatedQueue.add(StartDueRunsJob.$$filepath, {}, { removeOnComplete: true })

      const runs = await waitUntil(
        'both runs of the daily mailing to complete',
        async () => {
          const rows = await MailingRun.query()
            .where({ mailing_id: mailing.id, status: 'completed' })
            .orderBy('occurrence_at')
          return rows.length === 2 ? rows : null
        },
        60_000
      )
      assert.equal(runs[1].occurrenceAt.toMillis(), second.toMillis())
      for (const run of runs) assert.equal(run.sent, 2)
      for (const client of clients) assert.lengthOf(smtp.messagesTo(client.email), 2)

      await mailing.refresh()
      assert.equal(mailing.status, 'completed')
      assert.isNull(mailing.nextRunAt)
    } finally {
      await worker.stop()
      await isolated.flushdb()
      await isolated.quit()
      await isolatedQueue.close()
      await sharedWorker.start()
    }
  }).timeout(90_000)

  test('a started run queues the wake of the next occurrence at its exact time', async ({
    assert,
  }) => {
    const { mailing, startAt } = await weeklyMailingThisTestStarts()

    await StartRun.handle(mailing, startAt, { dispatch: false })
    await mailing.refresh()
    assert.equal(mailing.nextRunAt!.toMillis(), startAt.plus({ weeks: 1 }).toMillis())
    const wake = await wakeAt(mailing.nextRunAt!)
    assert.exists(wake, 'no delayed wake at the next occurrence')
    await wake!.remove()
  })

  test('a run-started listener that fails does not cost the next occurrence its wake', async ({
    assert,
  }) => {
    const { mailing, startAt } = await weeklyMailingThisTestStarts()
    // Any listener of the announcement (the home page's cache, a future one)
    // may fail: the run has started by then, and its next occurrence must
    // still start on time.
    const failing = () => {
      throw new Error('a listener failed')
    }
    emitter.on('mailing_run:started', failing)
    try {
      await assert.rejects(() => StartRun.handle(mailing, startAt, { dispatch: false }))
    } finally {
      emitter.off('mailing_run:started', failing)
    }
    await mailing.refresh()
    const wake = await wakeAt(mailing.nextRunAt!)
    assert.exists(wake, 'no delayed wake at the next occurrence')
    await wake!.remove()
  })

  test('resuming a paused mailing wakes the scheduler for its next run', async ({
    client,
    assert,
  }) => {
    const startAt = DateTime.now().plus({ hours: 2 }).startOf('second')
    const { user, mailing } = await ownedMailing({
      periodicity: 'once',
      startAt,
      endAt: startAt.plus({ hours: 1 }),
      status: 'paused',
      nextRunAt: startAt,
    })
    // The wake queued when it was created came (or will come) while it is
    // paused and does nothing: pretend it already fired.
    assert.isNull(await wakeAt(startAt))

    await postForm(client, `/mailings/${mailing.id}/resume`).loginAs(user)
    await mailing.refresh()
    assert.equal(mailing.status, 'created')
    const wake = await wakeAt(startAt)
    assert.exists(wake, 'resume queued no wake at the start')
    await wake!.remove()
  })
})
