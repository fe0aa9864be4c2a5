import vine from '@vinejs/vine'
import { DateTime } from 'luxon'

const YMD = /^\d{4}-\d{2}-\d{2}$/

/**
 * Whether `text` is a day as `<input type="date">` sends it: YYYY-MM-DD, a
 * day that exists (no 30 February), in years 1000 to 9999. Beyond those,
 * PostgreSQL refuses the timestamp ("date/time field value out of range"):
 * a filter must say so beside its field, not fail in the database.
 */
export function isCalendarDay(text: string) {
  if (!YMD.test(text)) return false
  const day = DateTime.fromISO(text, { zone: 'utc' })
  return day.isValid && day.year >= 1000 && day.year <= 9999
}

const calendarDayRule = vine.createRule((value: unknown, _: undefined, field) => {
  if (typeof value === 'string' && !isCalendarDay(value)) {
    field.report('Enter a date (YYYY-MM-DD)', 'calendarDay', field)
  }
})

/**
 * An optional day field of a filter (see isCalendarDay).
 */
export const calendarDay = () => vine.string().trim().use(calendarDayRule()).optional()
