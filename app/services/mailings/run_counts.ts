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
  /** Sent, then reported back (counted in `sent` too). */
  bounced: number
  complained: number
  successRate: number | null
  /** bounced / sent and complained / sent, null before anything was sent. */
  bounceRate: number | null
  complaintRate: number | null
}

/**
 * The counts of a run's counters, or of sums of them (which PostgreSQL
 * answers as strings).
 */
export function countsOf(
  counters: Pick<MailingRun, 'total' | 'sent' | 'failed' | 'skipped'> &
    Partial<Pick<MailingRun, 'bounced' | 'complained'>>
) {
  const total = Number(counters.total)
  const sent = Number(counters.sent)
  const failed = Number(counters.failed)
  const skipped = Number(counters.skipped)
  const bounced = Number(counters.bounced ?? 0)
  const complained = Number(counters.complained ?? 0)
  return {
    total,
    queued: Math.max(0, total - sent - failed - skipped),
    sent,
    failed,
    skipped,
    bounced,
    complained,
    successRate: successRate(sent, failed),
    bounceRate: rateOf(bounced, sent),
    complaintRate: rateOf(complained, sent),
  } satisfies Counts
}

export function rateOf(part: number, sent: number) {
  return sent === 0 ? null : part / sent
}

export function successRate(sent: number, failed: number) {
  return sent + failed === 0 ? null : sent / (sent + failed)
}
