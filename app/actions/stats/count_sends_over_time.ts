import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type MailingRun from '#models/mailing_run'
import { sqlTime } from '#services/database/sql_time'
import {
  readClosedBuckets,
  storeClosedBuckets,
  type BucketCounts,
} from '#services/mailings/closed_chart_buckets'

export const CHART_UNITS = ['minute', 'hour'] as const
export type ChartUnit = (typeof CHART_UNITS)[number]

/**
 * Runs sending for longer than this are charted per hour, shorter ones per
 * minute: a few hundred points either way.
 */
const MINUTE_UNIT_UP_TO_HOURS = 6

export interface ChartPoint {
  /** Start of the bucket, ISO 8601 UTC: the key the page merges points on. */
  at: string
  /** The same time as the workspace reads it. */
  label: string
  sent: number
  failed: number
}

export interface SendsOverTimeResult {
  runId: number
  unit: ChartUnit
  /**
   * True when only the buckets from the asked `since` on are returned, to
   * merge into the series the page already has; false for the whole series.
   */
  partial: boolean
  points: ChartPoint[]
}

/**
 * Where the page's chart is: it asks only for what changed since.
 */
export interface ChartPosition {
  run?: number
  unit?: ChartUnit
  since?: string
}

/**
 * Attempts of a run per minute (or hour) by outcome: `sent`, or `failed` for
 * every attempt the mail server did not accept (retried or final). Read from
 * the (run_id, attempted_at) index. While a run is sending the page polls
 * with the last bucket it has, so each poll reads only the last minute's
 * attempts instead of the whole run again; the whole series takes the
 * buckets that can no longer change from the cache
 * (`closed_chart_buckets.ts`), so opening the page reads only the last ones.
 */
export default class CountSendsOverTime {
  static async handle(
    run: MailingRun,
    timeZone: string,
    position: ChartPosition = {}
  ): Promise<SendsOverTimeResult> {
    const unit = unitFor(run)
    const since = continuesFrom(run, unit, position)
    if (since) {
      const counted = await countFrom(run, unit, since)
      return { runId: run.id, unit, partial: true, points: withGaps(counted, unit, timeZone) }
    }

    // The whole series: the closed buckets from the cache, the rest from the log.
    const closed = await readClosedBuckets(run, unit)
    const counted = closed.counted
    for (const [at, counts] of await countFrom(run, unit, closed.until)) counted.set(at, counts)
    await storeClosedBuckets(run, unit, counted, closed.until)

    return {
      runId: run.id,
      unit,
      partial: false,
      points: withGaps(counted, unit, timeZone),
    }
  }
}

/**
 * The run's attempts per bucket from `since` on (all of them without), keyed
 * by the bucket's start, ISO in UTC, in order.
 */
async function countFrom(run: MailingRun, unit: ChartUnit, since: DateTime | null) {
  const bucket = bucketExpression(unit)
  const query = db
    .from('delivery_attempts')
    .where('run_id', run.id)
    .select(db.raw(`${bucket} as bucket`))
    .select(db.raw(`sum(case when outcome = 'sent' then 1 else 0 end) as sent`))
    .select(db.raw(`sum(case when outcome = 'sent' then 0 else 1 end) as failed`))
    .groupByRaw(bucket)
    .orderByRaw(bucket)
  if (since) query.where('attempted_at', '>=', sqlTime(since))

  const counted = new Map<string, BucketCounts>()
  for (const row of await query) {
    counted.set(bucketStart(row.bucket).toISO()!, {
      sent: Number(row.sent),
      failed: Number(row.failed),
    })
  }
  return counted
}

function unitFor(run: MailingRun): ChartUnit {
  const start = run.startedAt ?? run.createdAt
  const end = run.completedAt ?? DateTime.now()
  return end.diff(start, 'hours').hours > MINUTE_UNIT_UP_TO_HOURS ? 'hour' : 'minute'
}

/**
 * The bucket the page's series continues from, when the page charts this run
 * in this unit already; null to send the whole series.
 */
function continuesFrom(run: MailingRun, unit: ChartUnit, position: ChartPosition) {
  if (position.run !== run.id || position.unit !== unit || !position.since) return null
  const since = DateTime.fromISO(position.since, { zone: 'utc' })
  return since.isValid ? since.startOf(unit) : null
}

/**
 * The attempt's time truncated to the bucket, in UTC: on PostgreSQL as epoch
 * seconds (date_trunc on the UTC wall time: a third cheaper per row than
 * formatting it with to_char, and a running million-recipient run's last
 * minutes are tens of thousands of rows); on SQLite, which stores
 * timestamps as UTC text, a prefix of that text.
 */
function bucketExpression(unit: ChartUnit) {
  if (db.connection().dialect.name === 'postgres') {
    return `extract(epoch from date_trunc('${unit}', attempted_at at time zone 'UTC'))`
  }
  return unit === 'minute' ? 'substr(attempted_at, 1, 16)' : `substr(attempted_at, 1, 13) || ':00'`
}

/**
 * A bucket as bucketExpression gives it: epoch seconds (PostgreSQL's numeric
 * arrives as text) or 'yyyy-MM-dd HH:mm' in UTC.
 */
function bucketStart(value: string | number) {
  const text = String(value)
  return /^\d+(\.\d+)?$/.test(text)
    ? DateTime.fromSeconds(Number(text), { zone: 'utc' })
    : DateTime.fromISO(text.replace(' ', 'T'), { zone: 'utc' })
}

/**
 * Every bucket from the first to the last counted one, quiet ones as zero,
 * so the chart's axis keeps time.
 */
function withGaps(
  counted: Map<string, BucketCounts>,
  unit: ChartUnit,
  timeZone: string
): ChartPoint[] {
  const keys = [...counted.keys()]
  if (keys.length === 0) return []
  const last = DateTime.fromISO(keys[keys.length - 1], { zone: 'utc' })
  const labelFormat = unit === 'minute' ? 'HH:mm' : 'd LLL, HH:mm'

  const points: ChartPoint[] = []
  for (
    let at = DateTime.fromISO(keys[0], { zone: 'utc' });
    at <= last;
    at = at.plus({ [unit]: 1 })
  ) {
    const key = at.toISO()!
    points.push({
      at: key,
      label: at.setZone(timeZone).toFormat(labelFormat),
      ...(counted.get(key) ?? { sent: 0, failed: 0 }),
    })
  }
  return points
}
