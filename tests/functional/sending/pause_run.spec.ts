import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import PauseRun from '#sending/pause_run'
import { startedRun } from '#tests/helpers/sending'

/*
 * A run pauses with its mailing or not at all: a failure between the two
 * updates (here a trigger refuses the mailing's) must not leave a paused
 * run under a mailing still "running", which nobody would resume.
 * SQLite only: the refusing trigger is written in its dialect.
 */
test.group('PauseRun', () => {
  test('pauses the run and its mailing together, or neither', async ({ assert, cleanup }) => {
    const { run, mailing } = await startedRun(1, 'Pause test')
    const trigger = `refuse_pause_${mailing.id}`
    await db.rawQuery(
      `CREATE TRIGGER ${trigger} BEFORE UPDATE ON mailings
       WHEN NEW.id = ${mailing.id} AND NEW.status = 'paused'
       BEGIN SELECT RAISE(ABORT, 'refused'); END`
    )
    const dropTrigger = () => db.rawQuery(`DROP TRIGGER IF EXISTS ${trigger}`)
    cleanup(dropTrigger)

    await assert.rejects(() => PauseRun.handle(run.id, 'Too many failures'))
    await run.refresh()
    await mailing.refresh()
    assert.deepEqual([run.status, mailing.status], ['running', 'running'])

    await dropTrigger()
    await PauseRun.handle(run.id, 'Too many failures')
    await run.refresh()
    await mailing.refresh()
    assert.deepEqual([run.status, mailing.status], ['paused', 'paused'])
    assert.equal(mailing.statusReason, 'Too many failures')
  }).skip(db.connection().dialect.name !== 'better-sqlite3', 'The trigger is SQLite')
})
