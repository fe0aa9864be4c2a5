import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import Mailing from '#models/mailing'
import MailingRun from '#models/mailing_run'
import { sqlTime } from '#services/database/sql_time'
import { nextOccurrence } from '#sending/mailing_schedule'
import DispatchBatches from '#sending/dispatch_batches'
import { wakeSchedulerFor } from '#sending/scheduler'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { SUPPRESSED_REASON_SQL } from '#sending/suppressed_recipients'
import { mailingAudienceOf } from '#audiences/mailing_audience'
import type { WorkCause } from '#services/queue/work_context'

export interface StartRunOptions {
  /**
   * false: the caller queues the batches itself.
   */
  dispatch?: boolean
  /**
   * What the batches are queued under when no request is being served (a
   * scheduler's tick).
   */
  cause?: WorkCause
  /**
   * The member who starts it now ("send now"), recorded in the workspace's
   * audit log with the run; the scheduler's runs have none.
   */
  actor?: Actor
}

/**
 * Starts the run of one occurrence of a mailing: exactly once, however many
 * schedulers, workers or operators try at the same moment (the unique
 * (mailing_id, occurrence_at) index decides), with its recipients fixed as
 * deliveries by one INSERT … SELECT built from its audience
 * (app/audiences/mailing_audience.ts; nothing is loaded into memory), then
 * hands the deliveries to the queue in batches. A periodic mailing's next
 * occurrence gets its wake at its exact time.
 *
 * Returns the new run, or null when this occurrence already has one.
 */
export default class StartRun {
  static async handle(mailing: Mailing, occurrenceAt: DateTime, options: StartRunOptions = {}) {
    const started = await db.transaction(async (trx) => {
      const now = sqlTime()
      const inserted = await trx
        .knexQuery()
        .table('mailing_runs')
        .insert({
          tenant_id: mailing.tenantId,
          mailing_id: mailing.id,
          occurrence_at: sqlTime(occurrenceAt),
          status: 'running',
          started_at: now,
          created_at: now,
          updated_at: now,
        })
        .onConflict(['mailing_id', 'occurrence_at'])
        .ignore()
        .returning('id')
      const runId = Number((inserted[0] as any)?.id ?? inserted[0])
      if (!runId) return null

      // Who the mailing goes to as it stands now (a segment is evaluated
      // afresh at every occurrence); pending sign-ups are never included.
      const audience = await mailingAudienceOf(mailing, { client: trx })
      const bindings = [runId, now, now, ...audience.bindings]
      // Unsubscribed clients and suppressed addresses are copied too, as
      // `skipped` with the reason, so the log says why they got nothing.
      // The suppression list is left-joined on (tenant_id, email), inside
      // the statement (no row read into Node): PostgreSQL hashes the
      // workspace's entries once, SQLite probes their unique index per
      // recipient (docs/benchmarks.md, "Run start with the suppression list").
      const insert = `INSERT INTO deliveries (run_id, tenant_id, client_id, email, full_name, status, reason, attempts, created_at, updated_at)
         SELECT ?, c.tenant_id, c.id, c.email, c.full_name,
                CASE WHEN c.unsubscribed_at IS NULL AND s.reason IS NULL THEN 'queued' ELSE 'skipped' END,
                CASE WHEN c.unsubscribed_at IS NOT NULL THEN 'Unsubscribed'
                     WHEN s.reason IS NOT NULL THEN ${SUPPRESSED_REASON_SQL} END,
                0, ?, ?
         FROM clients c
         LEFT JOIN suppressions s ON s.tenant_id = c.tenant_id AND s.email = c.email
         WHERE ${audience.sql}
         ORDER BY c.id`
      const counts = await insertDeliveries(trx, insert, bindings, runId)
      await trx.from('mailing_runs').where('id', runId).update(counts)
      // "Send now" names its member; the scheduler's starts are the schedule's.
      await RecordWorkspaceEvent.handle(
        options.actor ?? null,
        {
          tenantId: mailing.tenantId,
          action: 'mailing.start',
          subject: { type: 'mailing', id: mailing.id, label: mailing.name },
          details: {
            runId,
            recipients: counts.total - counts.skipped,
            ...(options.actor ? {} : { onSchedule: true }),
          },
        },
        trx
      )

      // The next occurrence after this one; none left means this is the last run.
      const tenant = await trx
        .from('tenants')
        .where('id', mailing.tenantId)
        .select('time_zone')
        .first()
      const next = nextOccurrence(
        {
          startAt: mailing.startAt,
          endAt: mailing.endAt,
          periodicity: mailing.periodicity,
          timeZone: tenant.time_zone,
        },
        occurrenceAt.plus({ seconds: 1 })
      )
      await trx
        .from('mailings')
        .where('id', mailing.id)
        .update({
          // A mailing paused or disabled meanwhile stays so; its run waits.
          status: trx.knexRawQuery("CASE WHEN status = 'created' THEN 'running' ELSE status END"),
          next_run_at: next ? sqlTime(next) : null,
          updated_at: now,
        })

      const run = await MailingRun.query({ client: trx }).where('id', runId).firstOrFail()
      return { run, next }
    })

    if (!started) return null
    const { run, next } = started
    // Before the announcement: a listener that throws must not cost the
    // next occurrence its wake (it would start a tick late).
    await wakeForNextOccurrence(run, next)
    await emitter.emit('mailing_run:started', {
      runId: run.id,
      mailingId: run.mailingId,
      tenantId: run.tenantId,
    })
    if (options.dispatch !== false) await DispatchBatches.handle(run, options.cause)
    return run
  }
}

/**
 * A periodic mailing's next occurrence starts at its time, not at the next
 * tick: the run that just started has moved `next_run_at` on to it, so a
 * delayed wake is queued for exactly then (nothing for a once-mailing's
 * only run). A failure is logged, never thrown back into the run that
 * started: the tick still starts the occurrence, a SCHEDULER_INTERVAL
 * later at most.
 */
async function wakeForNextOccurrence(run: MailingRun, next: DateTime | null) {
  try {
    await wakeSchedulerFor(next)
  } catch (error) {
    logger.error(
      { err: error, mailingId: run.mailingId },
      'The next occurrence could not be scheduled'
    )
  }
}

/**
 * Runs the INSERT … SELECT of the run's deliveries and returns the run's
 * counters. PostgreSQL counts the rows as it inserts them (a data-modifying
 * WITH); SQLite has no such thing and counts them afterwards.
 */
async function insertDeliveries(
  trx: TransactionClientContract,
  insert: string,
  bindings: (string | number)[],
  runId: number
) {
  if (trx.dialect.name === 'postgres') {
    const { rows } = await trx.rawQuery(
      `WITH fixed AS (${insert} RETURNING status)
       SELECT count(*) AS total, count(*) FILTER (WHERE status = 'skipped') AS skipped FROM fixed`,
      bindings
    )
    return { total: Number(rows[0].total), skipped: Number(rows[0].skipped) }
  }
  await trx.rawQuery(insert, bindings)
  const [counts] = await trx
    .from('deliveries')
    .where('run_id', runId)
    .select(
      trx.raw('count(*) as total'),
      trx.raw("sum(case when status = 'skipped' then 1 else 0 end) as skipped")
    )
  return { total: Number(counts.total), skipped: Number(counts.skipped ?? 0) }
}
