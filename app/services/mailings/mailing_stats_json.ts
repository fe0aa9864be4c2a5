import type { DateTime } from 'luxon'
import type { MailingStatsResult } from '#actions/stats/load_mailing_stats'
import { countsOf } from '#services/mailings/run_counts'

/**
 * A mailing's statistics as the mailing page's script reads them (the API
 * answers its own shape: app/api/serializers/mailing_stats.ts).
 */
export function mailingStatsJson({ runs, totals, running }: MailingStatsResult) {
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

function isoTime(value: DateTime | null) {
  return value ? value.toUTC().toISO() : null
}
