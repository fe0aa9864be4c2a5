import { WORKSPACE_NOT_SUSPENDED } from '#sending/delivery_claims'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Mailing from '#models/mailing'
import sendingConfig from '#config/sending'
import { sqlTime } from '#services/database/sql_time'
import { nextOccurrence } from '#sending/mailing_schedule'
import StartRun, { type StartRunOptions } from '#sending/start_run'
import CompleteMailing from '#sending/complete_mailing'

/**
 * The scheduler's tick: starts every run that is due. Any number of
 * schedulers may tick at once; StartRun lets one of them win each
 * occurrence. An occurrence missed by more than the grace period (the
 * service was down) is recorded as missed instead of being sent late.
 */
export default class StartDueRuns {
  static async handle(now: DateTime = DateTime.now(), options: StartRunOptions = {}) {
    const due = await Mailing.query()
      .whereIn('status', ['created', 'running'])
      .whereNull('archived_at')
      .whereNotNull('next_run_at')
      .where('next_run_at', '<=', sqlTime(now))
      // Mailings start only once their owner's address is confirmed.
      .whereExists((query) =>
        query
          .from('users')
          .whereRaw('users.id = mailings.created_by_id')
          .whereNotNull('users.email_verified_at')
          .whereNull('users.blocked_at')
      )
      .whereRaw(WORKSPACE_NOT_SUSPENDED)
      .preload('tenant')
      .orderBy('next_run_at')
      .limit(100)

    const started = []
    for (const mailing of due) {
      const occurrenceAt = mailing.nextRunAt!
      if (now.diff(occurrenceAt).toMillis() > sendingConfig.missedGrace) {
        await StartDueRuns.#recordMissed(mailing, occurrenceAt, now)
        continue
      }
      const run = await StartRun.handle(mailing, occurrenceAt, options)
      if (run) started.push(run)
    }
    return started
  }

  static async #recordMissed(mailing: Mailing, occurrenceAt: DateTime, now: DateTime) {
    const at = sqlTime()
    const reason = `Missed: sending was down at ${occurrenceAt.setZone(mailing.tenant.timeZone).toFormat('d LLL yyyy, HH:mm')}`
    await db
      .knexQuery()
      .table('mailing_runs')
      .insert({
        tenant_id: mailing.tenantId,
        mailing_id: mailing.id,
        occurrence_at: sqlTime(occurrenceAt),
        status: 'missed',
        status_reason: reason,
        created_at: at,
        updated_at: at,
      })
      .onConflict(['mailing_id', 'occurrence_at'])
      .ignore()

    const next = nextOccurrence(
      {
        startAt: mailing.startAt,
        endAt: mailing.endAt,
        periodicity: mailing.periodicity,
        timeZone: mailing.tenant.timeZone,
      },
      now
    )
    mailing.nextRunAt = next
    await mailing.save()
    if (!next) await CompleteMailing.handle(mailing.id, { reason })
  }
}
