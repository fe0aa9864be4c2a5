import type MailingRun from '#models/mailing_run'

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

/**
 * The counts of a run's counters, or of sums of them (which PostgreSQL
 * answers as strings).
 */
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
