import db from '@adonisjs/lucid/services/db'
import { sqlTime } from '#services/database/sql_time'

/**
 * Stops a run and its mailing with a reason the owner sees: too many
 * failures, or a mail server that refuses our credentials. Resuming the
 * mailing resumes the run. Both change in one transaction: a paused run
 * under a mailing still "running" would never be resumed.
 */
export default class PauseRun {
  static async handle(runId: number, reason: string) {
    const now = sqlTime()
    await db.transaction(async (trx) => {
      const run = await trx.from('mailing_runs').where('id', runId).first()
      if (!run) return
      await trx
        .from('mailing_runs')
        .where({ id: runId, status: 'running' })
        .update({ status: 'paused', status_reason: reason, updated_at: now })
      await trx.from('mailings').where({ id: run.mailing_id, status: 'running' }).update({
        status: 'paused',
        status_reason: reason,
        status_changed_by_id: null,
        updated_at: now,
      })
    })
  }
}
