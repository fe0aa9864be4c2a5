import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'

/**
 * A time as the database stores it (the dialect's format, UTC), for query
 * conditions and bulk updates. Lucid converts DateTime values on model
 * columns but not in query builder conditions, and better-sqlite3 cannot
 * bind Date objects.
 */
export function sqlTime(value: DateTime = DateTime.now()) {
  return value.toUTC().toFormat(db.connection().dialect.dateTimeFormat)
}

/**
 * A time read back from the database, in epoch milliseconds: PostgreSQL
 * hands out Date objects, SQLite the text sqlTime() wrote (UTC).
 */
export function fromSqlTime(value: Date | string) {
  if (value instanceof Date) return value.getTime()
  return DateTime.fromSQL(value, { zone: 'utc' }).toMillis() || new Date(value).getTime()
}
