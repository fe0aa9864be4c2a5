import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { nextOccurrence, occurrences, type Schedule } from '#sending/mailing_schedule'

const paris = 'Europe/Paris'
const local = (iso: string, zone = paris) => DateTime.fromISO(iso, { zone })

function schedule(overrides: Partial<Schedule> & Pick<Schedule, 'startAt'>): Schedule {
  return {
    endAt: overrides.startAt.plus({ years: 1 }),
    periodicity: 'daily',
    timeZone: paris,
    ...overrides,
  }
}

test.group('Mailing schedule', () => {
  test('daily occurrences keep the local time across the daylight-saving change', ({ assert }) => {
    const s = schedule({ startAt: local('2026-03-27T09:00'), periodicity: 'daily' })
    const times = occurrences(s, 4).map((d) => d.toISO())
    assert.deepEqual(times, [
      '2026-03-27T09:00:00.000+01:00',
      '2026-03-28T09:00:00.000+01:00',
      '2026-03-29T09:00:00.000+02:00',
      '2026-03-30T09:00:00.000+02:00',
    ])
  })

  test('monthly occurrences on the 31st clamp to the month end without drifting', ({ assert }) => {
    const s = schedule({ startAt: local('2027-01-31T18:30'), periodicity: 'monthly' })
    const days = occurrences(s, 4).map((d) => d.toISODate())
    assert.deepEqual(days, ['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30'])
  })

  test('weekly occurrences fall on the same weekday and time', ({ assert }) => {
    const s = schedule({ startAt: local('2026-10-20T08:00'), periodicity: 'weekly' })
    const list = occurrences(s, 3)
    assert.deepEqual(
      list.map((d) => [d.weekday, d.toFormat('HH:mm')]),
      [
        [2, '08:00'],
        [2, '08:00'],
        [2, '08:00'],
      ]
    )
    // Crosses the October change: still 08:00 local.
    assert.equal(list[2].offset, 60)
  })

  test('the next occurrence is the first one at or after the given time', ({ assert }) => {
    const s = schedule({ startAt: local('2026-01-01T10:00'), periodicity: 'daily' })
    assert.equal(
      nextOccurrence(s, local('2026-06-15T10:00'))!.setZone(paris).toISO(),
      '2026-06-15T10:00:00.000+02:00'
    )
    assert.equal(
      nextOccurrence(s, local('2026-06-15T10:01'))!.setZone(paris).toISO(),
      '2026-06-16T10:00:00.000+02:00'
    )
    assert.equal(
      nextOccurrence(s, local('2025-12-01T00:00'))!.setZone(paris).toISO(),
      '2026-01-01T10:00:00.000+01:00'
    )
  })

  test('no occurrence is left after the end of the window', ({ assert }) => {
    const s = schedule({
      startAt: local('2026-01-01T10:00'),
      endAt: local('2026-01-03T09:00'),
      periodicity: 'daily',
    })
    assert.lengthOf(occurrences(s), 2)
    assert.isNull(nextOccurrence(s, local('2026-01-02T10:30')))
  })

  test('a once-mailing has one occurrence, at its start', ({ assert }) => {
    const s = schedule({ startAt: local('2026-05-05T12:00'), periodicity: 'once' })
    assert.lengthOf(occurrences(s), 1)
    assert.equal(
      nextOccurrence(s, local('2026-05-01T00:00'))!.setZone(paris).toISO(),
      '2026-05-05T12:00:00.000+02:00'
    )
    assert.isNull(nextOccurrence(s, local('2026-05-05T12:01')))
  })
})
