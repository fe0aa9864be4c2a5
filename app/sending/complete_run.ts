import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import { sqlTime } from '#services/database/sql_time'
import { countRunDeliveries } from '#sending/run_counters'
import CompleteMailing from '#sending/complete_mailing'

/**
 * Closes a run once none of its deliveries is waiting or being sent, and
 * the mailing once its last run is closed and no occurrence is left.
 * Conditional updates make it safe to call from every batch at once.
 */
export default class CompleteRun {
  static async handle(runId: number) {
    const pending = await db
      .from('deliveries')
      .where('run_id', runId)
      .whereIn('status', ['queued', 'sending'])
      .first()
    if (pending) return false

    const now = sqlTime()
    // Nothing is pending any more, so these counts are final: closing the
    // run writes them in the same statement.
    const counts = await countRunDeliveries(runId)
    const run = await db.transaction(async (trx) => {
      const closed = await trx
        .from('mailing_runs')
        .where({ id: runId, status: 'running' })
        .update({ ...counts, status: 'completed', completed_at: now, updated_at: now })
      if (Number(closed) !== 1) return null

      // The mailing ends with its last run, in the same transaction, so
      // nobody sees a finished run under a mailing still "running".
      const closedRun = await trx.from('mailing_runs').where('id', runId).first()
      await CompleteMailing.handle(closedRun.mailing_id, { trx })
      return closedRun
    })
    if (!run) return false

    await emitter.emit('mailing_run:completed', {
      runId,
      mailingId: run.mailing_id,
      tenantId: run.tenant_id,
    })
    return true
  }
}
