import db from '@adonisjs/lucid/services/db'
import type Mailing from '#models/mailing'
import type MailingRun from '#models/mailing_run'
import { countsOf, type Counts } from '#services/mailings/run_counts'

/**
 * Runs listed on the mailing page (and in its JSON), newest first. A daily
 * mailing gathers hundreds of runs; the totals still cover all of them.
 */
export const RUNS_SHOWN = 20

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
    .sum('bounced as bounced')
    .sum('complained as complained')
    .first()
  return {
    runs: Number(row?.runs ?? 0),
    ...countsOf({
      total: row?.total ?? 0,
      sent: row?.sent ?? 0,
      failed: row?.failed ?? 0,
      skipped: row?.skipped ?? 0,
      bounced: row?.bounced ?? 0,
      complained: row?.complained ?? 0,
    }),
  }
}
