import cache from '@adonisjs/cache/services/main'
import { DateTime } from 'luxon'
import type MailingRun from '#models/mailing_run'

export interface BucketCounts {
  sent: number
  failed: number
}

/**
 * The chart's buckets nothing can change any more, kept in the cache so that
 * drawing a long run's whole chart reads only its last minutes from the
 * delivery log: aggregating every attempt of a million-recipient run took
 * seconds, and each page opened while it sent did it again.
 *
 * A bucket is closed once it ended more than SETTLE_MARGIN ago: an attempt is
 * stamped when the mail server answers and written at once (the attempt log
 * tries a failed write again for about 4 s), never later; the margin also
 * covers clocks of the workers (which stamp) and the web process (which
 * reads) that differ by a few seconds. Kept short, because the chart of a
 * running run reads everything after the closed buckets from the log: at
 * 1,000 messages a second, every second of margin is a thousand rows more
 * per poll (a minute of margin had the page read 60,000–120,000).
 */
const SETTLE_MARGIN = { seconds: 15 }
const TTL = '6h'

interface Stored {
  /** Start of the first bucket not stored: the delivery log is read from here. */
  until: string
  buckets: [at: string, sent: number, failed: number][]
}

/**
 * Keyed by the run's id and start, so a database that was reset (tests,
 * benchmarks) and gives the id to another run never reads the old entry.
 */
function keyOf(run: MailingRun, unit: 'minute' | 'hour') {
  const started = (run.startedAt ?? run.createdAt).toMillis()
  return `sends-chart:${run.id}:${started}:${unit}`
}

/**
 * The closed buckets stored for this run, and where the log must be read
 * from; nothing (read it all) when none are stored or the cache fails.
 */
export async function readClosedBuckets(run: MailingRun, unit: 'minute' | 'hour') {
  const counted = new Map<string, BucketCounts>()
  const stored = await cache.get<Stored>({ key: keyOf(run, unit) }).catch(() => undefined)
  if (!stored) return { counted, until: null }
  for (const [at, sent, failed] of stored.buckets) counted.set(at, { sent, failed })
  return { counted, until: DateTime.fromISO(stored.until, { zone: 'utc' }) }
}

/**
 * Stores the buckets of `counted` (keyed by their start, ISO in UTC, in
 * order) that are closed now, when there are more than `storedUntil` had.
 */
export async function storeClosedBuckets(
  run: MailingRun,
  unit: 'minute' | 'hour',
  counted: Map<string, BucketCounts>,
  storedUntil: DateTime | null
) {
  const until = DateTime.utc().minus(SETTLE_MARGIN).startOf(unit)
  if (storedUntil && until <= storedUntil) return
  const buckets: Stored['buckets'] = []
  for (const [at, { sent, failed }] of counted) {
    if (DateTime.fromISO(at, { zone: 'utc' }) >= until) break
    buckets.push([at, sent, failed])
  }
  await cache
    .set({ key: keyOf(run, unit), value: { until: until.toISO()!, buckets }, ttl: TTL })
    .catch(() => {})
}
