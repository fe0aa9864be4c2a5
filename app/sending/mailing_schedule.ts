import { DateTime } from 'luxon'
import type { Periodicity } from '#models/mailing'

export interface Schedule {
  startAt: DateTime
  endAt: DateTime
  periodicity: Periodicity
  /**
   * IANA zone whose wall clock the occurrences follow.
   */
  timeZone: string
}

const STEP: Record<Exclude<Periodicity, 'once'>, 'days' | 'weeks' | 'months'> = {
  daily: 'days',
  weekly: 'weeks',
  monthly: 'months',
}

/**
 * The nth occurrence (0-based) of a schedule, at the same local time as the
 * start. Always computed from the start, never from the previous
 * occurrence: Luxon clamps the 31st to the month's last day without the
 * clamp leaking into later months, and adding days in a zone keeps the wall
 * clock across daylight-saving changes.
 */
export function occurrence(schedule: Schedule, index: number): DateTime {
  const start = schedule.startAt.setZone(schedule.timeZone)
  if (schedule.periodicity === 'once') return start
  return start.plus({ [STEP[schedule.periodicity]]: index })
}

/**
 * The first occurrence at or after `from` (default: now) that is still
 * inside the window, or null when there is none left. In UTC, ready to
 * store: Lucid writes a DateTime's wall clock as is, without its zone.
 */
export function nextOccurrence(
  schedule: Schedule,
  from: DateTime = DateTime.now()
): DateTime | null {
  if (schedule.periodicity === 'once') {
    const start = occurrence(schedule, 0)
    return start >= from && start <= schedule.endAt ? start.toUTC() : null
  }

  // Jump close to `from` instead of walking from the start, then step.
  const unit = STEP[schedule.periodicity]
  const elapsed = from.setZone(schedule.timeZone).diff(occurrence(schedule, 0), unit).get(unit)
  let index = Math.max(0, Math.floor(elapsed) - 1)
  let candidate = occurrence(schedule, index)
  while (candidate < from) {
    index += 1
    candidate = occurrence(schedule, index)
  }
  return candidate <= schedule.endAt ? candidate.toUTC() : null
}

/**
 * Every occurrence in the window, up to `limit` (for previews).
 */
export function occurrences(schedule: Schedule, limit = 10): DateTime[] {
  const result: DateTime[] = []
  for (let index = 0; result.length < limit; index++) {
    const candidate = occurrence(schedule, index)
    if (candidate > schedule.endAt) break
    result.push(candidate)
    if (schedule.periodicity === 'once') break
  }
  return result
}

/**
 * When a new (or edited, not yet started) mailing runs first: at once when
 * its window contains `now`, otherwise at its first occurrence (UTC).
 */
export function firstRunAt(schedule: Schedule, now: DateTime = DateTime.now()): DateTime | null {
  if (schedule.startAt <= now && now <= schedule.endAt) return now.toUTC()
  return nextOccurrence(schedule, now)
}
