import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'

/**
 * A time as the database stores it (the dialect's format, UTC), for query
 * conditions and bulk updates; now when no time is given. Lucid converts
 * DateTime values on model columns but not in query builder conditions, and
 * better-sqlite3 cannot bind Date objects. A time in epoch milliseconds is
 * for a caller that keeps the instant it wrote (a claim's).
 */
export function sqlTime(value?: DateTime | number) {
  const format = db.connection().dialect.dateTimeFormat
  const millis =
    value === undefined ? Date.now() : typeof value === 'number' ? value : value.toMillis()
  return formatSqlTime(millis, format) ?? DateTime.fromMillis(millis).toUTC().toFormat(format)
}

/**
 * The two formats the supported dialects use (SQLite's, PostgreSQL's),
 * spelled from the ISO string: the sending engine stamps every message, and
 * Luxon's general formatter cost more than the rest of the stamp. Null for
 * anything else (another format, an invalid time, a year outside 0–9999),
 * which Luxon formats. Exported for its spec.
 */
export function formatSqlTime(millis: number, format: string) {
  if (!Number.isFinite(millis)) return null
  const iso = new Date(millis).toISOString()
  if (iso.length !== 24) return null
  if (format === 'yyyy-MM-dd HH:mm:ss') return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
  if (format === "yyyy-MM-dd'T'HH:mm:ss.SSSZZ") return `${iso.slice(0, 23)}+00:00`
  return null
}

/**
 * A time read back from the database, in epoch milliseconds: PostgreSQL
 * hands out Date objects, SQLite the text sqlTime() wrote (UTC).
 */
export function fromSqlTime(value: Date | string) {
  if (value instanceof Date) return value.getTime()
  return DateTime.fromSQL(value, { zone: 'utc' }).toMillis() || new Date(value).getTime()
}
