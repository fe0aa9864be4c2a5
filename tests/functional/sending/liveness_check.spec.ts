import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import db from '@adonisjs/lucid/services/db'
import LivenessCheck from '#sending/liveness_check'
import PauseRun from '#sending/pause_run'
import { startedRun } from '#tests/helpers/sending'

/**
 * Longer than LIVENESS_INTERVAL_MS (250 ms): every check asks again.
 */
const PAST_THE_INTERVAL_MS = 300

/**
 * The statements that ask whether a run may still send, counted on the
 * database client while `work` runs.
 */
async function livenessQueries(work: () => Promise<unknown>) {
  const knex = db.connection().getWriteClient()
  let count = 0
  const listener = (query: { sql: string }) => {
    if (/users\.blocked_at IS NULL/i.test(query.sql) && !/UPDATE/i.test(query.sql)) count++
  }
  knex.on('query', listener)
  try {
    await work()
  } finally {
    knex.off('query', listener)
  }
  return count
}

/*
 * The batches of one run in a worker share whether it may still send: one
 * query per run and interval, not one per batch; and a pause still reaches
 * every batch once the shared answer is older than the interval.
 */
test.group('LivenessCheck', () => {
  test('batches of one run share the answer, and all of them see a pause', async ({ assert }) => {
    const { run } = await startedRun(1, 'Liveness test')
    const batches = [
      new LivenessCheck(run.id),
      new LivenessCheck(run.id),
      new LivenessCheck(run.id),
    ]
    await sleep(PAST_THE_INTERVAL_MS)

    let answers: boolean[] = []
    const asked = await livenessQueries(async () => {
      answers = await Promise.all(batches.map((batch) => batch.runMaySend()))
    })
    assert.deepEqual(answers, [true, true, true])
    assert.equal(asked, 1)

    await PauseRun.handle(run.id, 'Paused by the test')
    await sleep(PAST_THE_INTERVAL_MS)
    answers = await Promise.all(batches.map((batch) => batch.runMaySend()))
    assert.deepEqual(answers, [false, false, false])
  })

  test('runs do not share answers', async ({ assert }) => {
    const first = await startedRun(1, 'Liveness test, first')
    const second = await startedRun(1, 'Liveness test, second')
    const batches = [new LivenessCheck(first.run.id), new LivenessCheck(second.run.id)]
    await PauseRun.handle(second.run.id, 'Paused by the test')
    await sleep(PAST_THE_INTERVAL_MS)

    const answers = await Promise.all(batches.map((batch) => batch.runMaySend()))
    assert.deepEqual(answers, [true, false])
  })
})
