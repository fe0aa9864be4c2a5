import { DateTime } from 'luxon'
import type { LucidModel, ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import { sqlTime } from '#services/database/sql_time'

/**
 * One page of a staff list, newest first, continued from the id of the
 * last row shown (keyset pagination on the primary key): page 500 costs
 * what page 1 costs, and nothing counts the whole table. For the
 * pagination component's `nextCursor` / `isFirstPage` props.
 */
export async function pageByNewestId<Model extends LucidModel>(
  query: ModelQueryBuilderContract<Model>,
  after: number | undefined,
  perPage: number
) {
  if (after) query.where(`${query.model.table}.id`, '<', after)
  const rows = await query.orderBy(`${query.model.table}.id`, 'desc').limit(perPage + 1)
  const items = rows.slice(0, perPage) as InstanceType<Model>[]
  const last = items.at(-1) as { id: number } | undefined
  return {
    items,
    isFirstPage: !after,
    nextCursor: rows.length > perPage && last ? String(last.id) : null,
  }
}

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
