import { DateTime } from 'luxon'

/**
 * How mailing windows are written, on the web form and in the API.
 */

/**
 * The wall-clock form a `datetime-local` field sends (`2026-12-01T09:30`,
 * seconds optional), read in the workspace's time zone.
 */
export const WALL_CLOCK_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(?::\d{2})?$/

/**
 * An RFC 3339 instant, with `Z` or an offset (`2026-12-01T08:30:00.000Z`,
 * `2026-12-01T10:30:00+02:00`; seconds and fractions optional): the form the
 * API answers in, so a client can send back what it read.
 */
export const INSTANT_TIME =
  /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/

/**
 * A mailing time as the web form or an API client writes it, as an instant
 * in UTC, or null when it is not one. The patterns decide which forms are
 * accepted (Luxon's ISO parser alone takes week dates, bare hours and
 * more); Luxon reads them and refuses impossible dates (February 31st)
 * and years outside 1000–9999.
 * Kept to the second, as the API shows times (and SQLite stores them), so
 * what is read back is what was sent, on every database.
 */
export function parseMailingTime(value: string, timeZone: string): DateTime | null {
  const text = value.trim().toUpperCase()
  let time: DateTime
  if (WALL_CLOCK_TIME.test(text)) time = DateTime.fromISO(text, { zone: timeZone })
  else if (INSTANT_TIME.test(text)) time = DateTime.fromISO(text, { setZone: true })
  else return null
  if (!time.isValid) return null
  // Stored in UTC: Lucid writes a DateTime's wall clock without its zone.
  const utc = time.toUTC().startOf('second')
  // Four-digit years on both databases (PostgreSQL has no year 0, and a
  // +05:00 on 9999-12-31 would carry into year 10000).
  return utc.year >= 1000 && utc.year <= 9999 ? utc : null
}
