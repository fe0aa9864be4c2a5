import { duration } from '../../../app/services/config/duration.js'

/**
 * The settings the fleet's processes run with: production's, shortened so
 * that a fault heals within seconds, not minutes; each is what an operator
 * may set (README, docs/sending.md). FLEET_<NAME> overrides one (e.g.
 * FLEET_SEND_STALE_AFTER=20s), and the faults' durations and duplicate
 * bounds follow the values in effect.
 */
export const FLEET_TIMINGS = {
  QUEUE_STALLED_INTERVAL: '5s',
  SEND_STALE_AFTER: '10s',
  SEND_RECONCILE_INTERVAL: '5s',
  SEND_RETRY_DELAY: '5s',
  SEND_MAX_ATTEMPTS: '4',
  SCHEDULER_INTERVAL: '1s',
  QUEUE_SHUTDOWN_TIMEOUT: '10s',
  QUEUE_CONCURRENCY: '5',
  SMTP_POOL_SIZE: '5',
  SMTP_CONNECTION_TIMEOUT: '10s',
  SMTP_GREETING_TIMEOUT: '10s',
  SMTP_SOCKET_TIMEOUT: '10s',
}

export type TimingName = keyof typeof FLEET_TIMINGS

/** The timings that are counts; the others are durations. */
const COUNTS = new Set<TimingName>(['SEND_MAX_ATTEMPTS', 'QUEUE_CONCURRENCY', 'SMTP_POOL_SIZE'])

export const TIMING_NAMES = Object.keys(FLEET_TIMINGS) as TimingName[]

/**
 * The timings in effect: the values handed to the processes, and read as
 * numbers (durations in ms) for the faults.
 */
export class Timings {
  constructor(readonly values: Record<TimingName, string>) {}

  /**
   * FLEET_TIMINGS with the FLEET_<NAME> variables of `env` over them; a
   * value the app would refuse stops here with a sentence naming the
   * variable.
   */
  static fromEnv(env: NodeJS.ProcessEnv) {
    const values = { ...FLEET_TIMINGS }
    for (const name of TIMING_NAMES) {
      const variable = `FLEET_${name}`
      const value = env[variable]
      if (value === undefined) continue
      if (COUNTS.has(name)) wholeNumber(variable, value, 1, 1000)
      else if (!duration(variable, value)) {
        throw new Error(`${variable} must be a duration longer than 0 (got "${value}")`)
      }
      values[name] = value.trim()
    }
    return new Timings(values)
  }

  ms(name: TimingName) {
    return duration(name, this.values[name])!
  }

  count(name: TimingName) {
    return Number(this.values[name])
  }
}

/**
 * `value` as a whole number from `min` to `max`, or an error naming `variable`.
 */
export function wholeNumber(variable: string, value: string, min: number, max: number) {
  const number = Number(value.trim())
  if (value.trim() === '' || !Number.isInteger(number) || number < min || number > max) {
    throw new Error(`${variable} must be a whole number from ${min} to ${max} (got "${value}")`)
  }
  return number
}
