import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { LucidModel, ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import { sqlTime } from '#services/database/sql_time'

/**
 * `from`..`to` (whole days, UTC, both included) on a timestamp column.
 */
export function whereBetweenDays<Model extends LucidModel>(
  query: ModelQueryBuilderContract<Model>,
  column: string,
  { from, to }: { from?: string; to?: string }
) {
  const day = (value: string) => DateTime.fromISO(value, { zone: 'utc' })
  if (from) query.where(column, '>=', sqlTime(day(from).startOf('day')))
  if (to) query.where(column, '<', sqlTime(day(to).plus({ days: 1 }).startOf('day')))
  return query
}

/**
 * A list's filters as a query string, without its cursor: what the
 * pagination links carry over from page to page.
 */
export function filtersQuery(filters: Record<string, string | number | undefined>) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) {
    if (key !== 'after' && value !== undefined && value !== '') params.set(key, String(value))
  }
  return params.toString()
}

/**
 * Restricts a query of clients (or users: the same two columns) to those
 * whose email or name contains `q`, case-insensitively. `%` and `_` in the
 * search are matched literally.
 */
export function whereMatches<Query extends ModelQueryBuilderContract<any>>(
  query: Query,
  q: string
): Query {
  if (!q) return query
  const pattern = `%${q.replace(/[\\%_]/g, '\\$&')}%`
  // SQLite's LIKE already ignores (ASCII) case; PostgreSQL needs ILIKE.
  const like = db.connection().dialect.name === 'postgres' ? 'ilike' : 'like'
  return query.where((match) => {
    match
      .whereRaw(`email ${like} ? escape '\\'`, [pattern])
      .orWhereRaw(`full_name ${like} ? escape '\\'`, [pattern])
  })
}
