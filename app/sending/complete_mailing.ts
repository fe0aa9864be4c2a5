import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { sqlTime } from '#services/database/sql_time'

/**
 * Completes a mailing that has nothing left to do: no next occurrence and
 * no run running or paused. Whoever may have made the last of these true
 * calls it (a run completing, an occurrence recorded missed, a window
 * shortened, a stopped mailing resumed with nothing left), since nothing else would ever complete the mailing. A
 * conditional update: safe to call from anywhere, any number of times, and
 * a paused or disabled mailing stays so. Returns whether it completed it.
 */
export default class CompleteMailing {
  static async handle(
    mailingId: number,
    options: { trx?: TransactionClientContract; reason?: string } = {}
  ) {
    const now = sqlTime()
    const completed = await (options.trx ?? db)
      .from('mailings')
      .where('id', mailingId)
      .whereIn('status', ['created', 'running'])
      .whereNull('next_run_at')
      .whereNotExists((query) =>
        query
          .from('mailing_runs')
          .whereRaw('mailing_runs.mailing_id = mailings.id')
          .whereIn('status', ['running', 'paused'])
      )
      .update({
        status: 'completed',
        ...(options.reason ? { status_reason: options.reason } : {}),
        updated_at: now,
      })
    return Number(Array.isArray(completed) ? completed[0] : completed) > 0
  }
}
