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
