import type { DateTime } from 'luxon'

/**
 * Instants in the API are ISO 8601 in UTC, to the second: what SQLite
 * stores, so a record reads the same right after a write and later.
 */
export function isoTime(value: DateTime): string
export function isoTime(value: DateTime | null): string | null
export function isoTime(value: DateTime | null) {
  return value ? value.toUTC().startOf('second').toISO({ suppressMilliseconds: true }) : null
}

export const timeSchema = { type: 'string', format: 'date-time' } as const
export const nullableTimeSchema = { type: ['string', 'null'], format: 'date-time' } as const
