import type { DateTime } from 'luxon'
import type Mailing from '#models/mailing'
import ListDeliveries, { type DeliveryLogFilters } from '#actions/stats/list_deliveries'
import { csvDownload } from '#services/csv/export'

/**
 * Deliveries fetched per chunk while exporting.
 */
export const EXPORT_CHUNK_SIZE = 1000

export const DELIVERY_EXPORT_HEADER = [
  'run_occurrence_at',
  'email',
  'full_name',
  'status',
  'reason',
  'attempts',
  'last_attempt_at',
  'last_smtp_code',
  'last_response',
  'sent_at',
]

/**
 * A mailing's delivery log, with the page's filters, as a CSV stream: read
 * 1,000 deliveries at a time with the log's keyset pagination (and their
 * attempts in one query per chunk), so a run of millions never sits in
 * memory and the download starts at once. BOM for Excel; times ISO 8601 UTC;
 * text the recipient or the mail server wrote cannot start a formula.
 */
export default class ExportDeliveries {
  static handle(
    mailing: Mailing,
    filters: Omit<DeliveryLogFilters, 'after' | 'perPage'>,
    { chunkSize = EXPORT_CHUNK_SIZE } = {}
  ) {
    return csvDownload(DELIVERY_EXPORT_HEADER, exportRows(mailing, filters, chunkSize), {
      what: 'delivery log',
      mailingId: mailing.id,
    })
  }
}

async function* exportRows(mailing: Mailing, filters: DeliveryLogFilters, chunkSize: number) {
  let after: number | undefined
  do {
    const page = await ListDeliveries.handle(mailing, { ...filters, after, perPage: chunkSize })
    for (const { delivery, run, attempts } of page.rows) {
      const last = attempts.at(-1)
      yield [
        isoTime(run.occurrenceAt),
        delivery.email,
        delivery.fullName,
        delivery.status,
        delivery.reason,
        delivery.attempts,
        isoTime(last?.attemptedAt ?? null),
        last?.smtpCode ?? '',
        last?.response ?? null,
        isoTime(delivery.sentAt),
      ]
    }
    after = page.nextCursor ?? undefined
  } while (after)
}

/**
 * To the second on both databases (PostgreSQL keeps milliseconds, SQLite not).
 */
function isoTime(value: DateTime | null) {
  return value ? (value.toUTC().startOf('second').toISO({ suppressMilliseconds: true }) ?? '') : ''
}
