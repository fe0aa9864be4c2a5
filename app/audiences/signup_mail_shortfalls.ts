import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type SignupForm from '#models/signup_form'
import { sqlTime } from '#services/database/sql_time'

/**
 * Sign-ups that got no confirmation mail because their workspace's hourly
 * budget of them was spent (by a botnet, or a sudden crowd): the owner must
 * hear of it, since the visitors were told to check their inbox. Counted in
 * the database, one row per form and hour (table signup_mail_shortfalls).
 */

/** The window the form pages report on. */
export const SHORTFALL_WINDOW_HOURS = 24

/**
 * Counts one such sign-up of the form, in the bucket of this hour, and
 * forgets the form's buckets past the window (nothing reads them).
 */
export async function recordMailShortfall(form: SignupForm) {
  const now = DateTime.utc()
  await db
    .knexQuery()
    .table('signup_mail_shortfalls')
    .insert({
      tenant_id: form.tenantId,
      signup_form_id: form.id,
      hour: sqlTime(now.startOf('hour')),
      count: 1,
    })
    .onConflict(['signup_form_id', 'hour'])
    .merge({ count: db.knexRawQuery('signup_mail_shortfalls.count + 1') })
  await db
    .from('signup_mail_shortfalls')
    .where('signup_form_id', form.id)
    .where('hour', '<', sqlTime(windowStart(now)))
    .delete()
}

function windowStart(now: DateTime) {
  return now.minus({ hours: SHORTFALL_WINDOW_HOURS }).startOf('hour')
}

/**
 * How many sign-ups of each of these forms went unmailed in the last
 * SHORTFALL_WINDOW_HOURS (forms with none are absent): one grouped query
 * for a whole list.
 */
export async function mailShortfallsOf(
  tenantId: number,
  formIds: number[]
): Promise<Map<number, number>> {
  if (formIds.length === 0) return new Map()
  const since = windowStart(DateTime.utc())
  const rows = await db
    .from('signup_mail_shortfalls')
    .where('tenant_id', tenantId)
    .whereIn('signup_form_id', formIds)
    .where('hour', '>=', sqlTime(since))
    .groupBy('signup_form_id')
    .select('signup_form_id')
    .sum('count as total')
  return new Map(rows.map((row) => [Number(row.signup_form_id), Number(row.total)]))
}
