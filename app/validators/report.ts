import vine from '@vinejs/vine'
import { DateTime } from 'luxon'
import type { FieldContext } from '@vinejs/vine/types'

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/

function calendarDate(value: unknown) {
  if (typeof value !== 'string' || !CALENDAR_DATE.test(value)) return null
  const date = DateTime.fromISO(value, { zone: 'utc' })
  return date.isValid ? date : null
}

/**
 * A day as a `date` input sends it (YYYY-MM-DD), and one that exists.
 */
const day = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (!calendarDate(value)) field.report('Enter a date like 2025-03-31', 'calendarDate', field)
})

/**
 * The last day comes on or after the first, at most a year later: a longer
 * report would be slow to read anyway.
 */
const withinAYearAfterFrom = vine.createRule(
  (value: unknown, _: undefined, field: FieldContext) => {
    const to = calendarDate(value)
    const from = calendarDate(field.parent?.from)
    if (!field.isValid || !to || !from) return
    if (to < from) {
      field.report('The last day must be on or after the first day', 'reportRange.order', field)
    } else if (to > from.plus({ years: 1 })) {
      field.report('Choose a range of at most one year', 'reportRange.length', field)
    }
  }
)

/**
 * The report's range, first and last day inclusive. The controller fills
 * in a missing day before validating (see ReportsController).
 */
export const reportRangeValidator = vine.compile(
  vine.object({
    from: vine.string().trim().use(day()),
    to: vine.string().trim().use(day()).use(withinAYearAfterFrom()),
  })
)
