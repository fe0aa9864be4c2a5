import db from '@adonisjs/lucid/services/db'
import type { DateTime } from 'luxon'
import type Mailing from '#models/mailing'
import type MailingRun from '#models/mailing_run'

/**
 * Runs listed on the mailing page (and in its JSON), newest first. A daily
 * mailing gathers hundreds of runs; the totals still cover all of them.
 */
export const RUNS_SHOWN = 20

/**
 * What happened to a run's (or a mailing's) deliveries. `queued` is what is
 * neither sent, failed nor skipped yet (waiting, being sent or retried).
 * `successRate` is sent / (sent + failed), null before anything was tried.
 */
export interface Counts {
  total: number
  queued: number
  sent: number
  failed: number
  skipped: number
  successRate: number | null
}

export interface MailingStatsResult {
  runs: MailingRun[]
  totals: Counts & { runs: number }
  /** Whether one of the shown runs is still sending: the page keeps polling. */
  running: boolean
  /** The run the chart shows: the newest that has started, if any. */
  chartRun: MailingRun | null
}

/**
 * A mailing's statistics, from the counters each run maintains (never from
 * the delivery log): its latest runs, and totals over all its runs in one
 * aggregate over the (mailing_id, occurrence_at) index.
 */
export default class LoadMailingStats {
  static async handle(mailing: Mailing): Promise<MailingStatsResult> {
    const [runs, totals] = await Promise.all([
      mailing
        .related('runs')
        .query()
        .orderBy('occurrence_at', 'desc')
        .orderBy('id', 'desc')
        .limit(RUNS_SHOWN),
      totalsOf(mailing),
    ])
    return {
      runs,
      totals,
      running: runs.some((run) => run.status === 'running'),
      chartRun: runs.find((run) => run.startedAt !== null) ?? null,
    }
  }

  /**
   * The statistics as the page's script reads them.
   */
  static toJson({ runs, totals, running }: MailingStatsResult) {
    return {
      running,
      totals,
      runs: runs.map((run) => ({
        id: run.id,
        status: run.status,
        statusReason: run.statusReason,
        ...countsOf(run),
        occurrenceAt: isoTime(run.occurrenceAt),
        startedAt: isoTime(run.startedAt),
        completedAt: isoTime(run.completedAt),
      })),
    }
  }
}

export function countsOf(counters: Pick<MailingRun, 'total' | 'sent' | 'failed' | 'skipped'>) {
  const total = Number(counters.total)
  const sent = Number(counters.sent)
  const failed = Number(counters.failed)
  const skipped = Number(counters.skipped)
  return {
    total,
    queued: Math.max(0, total - sent - failed - skipped),
    sent,
    failed,
    skipped,
    successRate: successRate(sent, failed),
  } satisfies Counts
}

export function successRate(sent: number, failed: number) {
  return sent + failed === 0 ? null : sent / (sent + failed)
}

async function totalsOf(mailing: Mailing) {
  // PostgreSQL answers sums and counts as strings, and sums of no rows as null.
  const row = await db
    .from('mailing_runs')
    .where('mailing_id', mailing.id)
    .count('* as runs')
    .sum('total as total')
    .sum('sent as sent')
    .sum('failed as failed')
    .sum('skipped as skipped')
    .first()
  return {
    runs: Number(row?.runs ?? 0),
    ...countsOf({
      total: row?.total ?? 0,
      sent: row?.sent ?? 0,
      failed: row?.failed ?? 0,
      skipped: row?.skipped ?? 0,
    }),
  }
}

function isoTime(value: DateTime | null) {
  return value ? value.toUTC().toISO() : null
}
