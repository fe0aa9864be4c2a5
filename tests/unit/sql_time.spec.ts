import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { formatSqlTime } from '#services/database/sql_time'

/**
 * The fast spelling of times for the database must be exactly Luxon's, for
 * both dialects' formats, and leave every other case to Luxon.
 */
const FORMATS = ['yyyy-MM-dd HH:mm:ss', "yyyy-MM-dd'T'HH:mm:ss.SSSZZ"]

const TIMES = [
  ['the epoch', 0],
  ['a time with milliseconds', Date.UTC(2026, 11, 3, 12, 34, 56, 789)],
  ['the last millisecond of a year', Date.UTC(2025, 11, 31, 23, 59, 59, 999)],
  ['a leap day', Date.UTC(2028, 1, 29, 0, 0, 0, 1)],
  ['a year before 1000', Date.UTC(999, 0, 1, 1, 2, 3, 4)],
] as const

test.group('formatSqlTime', () => {
  for (const format of FORMATS) {
    for (const [name, millis] of TIMES) {
      test(`${name} in ${format} is spelled as Luxon spells it`, ({ assert }) => {
        const luxon = DateTime.fromMillis(millis).toUTC().toFormat(format)
        assert.equal(formatSqlTime(millis, format), luxon)
      })
    }
  }

  test('other formats, invalid times and five-digit years are left to Luxon', ({ assert }) => {
    assert.isNull(formatSqlTime(0, "yyyy-MM-dd'T'HH:mm:ss"))
    assert.isNull(formatSqlTime(Number.NaN, FORMATS[0]))
    assert.isNull(formatSqlTime(Date.UTC(10_000, 0, 1), FORMATS[0]))
  })
})
