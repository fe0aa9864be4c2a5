import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { fromSqlTime, sqlTime } from '#services/database/sql_time'
import { runLateness } from '#services/observability/metrics'

/**
 * Runs this process has already handled, so each run costs one Set lookup
 * per message and at most one query per process. Bounded: the oldest are
 * forgotten first (a forgotten run that sends again costs one more query,
 * which finds the run already stamped).
 */
const handled = new Set<number>()
const MOST_REMEMBERED = 10_000

/**
 * Notes that a message of the run was just tried. The first time a process
 * sees a run, it stamps `mailing_runs.first_message_at` with a conditional
 * update (only while empty): the one process whose update lands observes
 * the run's lateness (planned start → first message) in
 * `mailings_run_lateness_seconds`, once per run however many workers send
 * it. Not awaited by the send: a lost observation never delays a message.
 */
export function noteRunTry(runId: number) {
  if (handled.has(runId)) return
  handled.add(runId)
  if (handled.size > MOST_REMEMBERED) handled.delete(handled.values().next().value!)
  stampFirstMessage(runId, DateTime.now()).catch((error) =>
    logger.warn({ err: error, runId }, 'Could not record the run lateness')
  )
}

async function stampFirstMessage(runId: number, triedAt: DateTime) {
  const stamped = await db
    .from('mailing_runs')
    .where('id', runId)
    .whereNull('first_message_at')
    .update({ first_message_at: sqlTime(triedAt) })
  if (Number(stamped) !== 1) return
  const run = await db.from('mailing_runs').where('id', runId).select('occurrence_at').first()
  if (!run) return
  runLateness.observe(Math.max(0, (triedAt.toMillis() - fromSqlTime(run.occurrence_at)) / 1000))
}
