/*
 * The fleet test's settings, from FLEET_* variables over the defaults the
 * bench (50,000 recipients) and the CI-sized test (20,000) give. Every value
 * is checked here: a bad one stops the run with a sentence naming the
 * variable, before anything is built or started.
 */
import { freePort } from '#tests/helpers/net'
import { isExecutable, prometheusProgram } from '#tests/helpers/prometheus'
import { duration } from '../../../app/services/config/duration.js'
import { DEFAULT_FAULTS, FAULT_KINDS } from './faults.js'
import { TIMING_NAMES, Timings, wholeNumber } from './timings.js'

/**
 * A fault to inject: its kind, and what FLEET_FAULTS fixed of it (otherwise
 * the seed picks the moment and the kind's own rule the duration).
 */
export interface PlannedFault {
  kind: string
  /** When, as the share of the recipients the sink has heard from (0–1). */
  at?: number
  /** How long it lasts, in ms (kinds that last only). */
  ms?: number
}

export interface FleetOptions {
  recipients: number
  seed: number
  faults: PlannedFault[]
  database: string
  pg: { host: string; port: number; user: string; password: string }
  ports: {
    proxy: number
    web: [number, number]
    smtp: number
    redis: number
    /** Each worker's, then each scheduler's, /health and /metrics port. */
    metrics: number[]
    prometheus: number
  }
  /**
   * The Prometheus binary that scrapes the fleet for the dashboard check
   * (dashboard.ts), or null: not installed, or FLEET_PROMETHEUS=0.
   */
  prometheus: string | null
  workers: number
  schedulers: number
  timings: Timings
  /** From the start request to the run's completion, in ms. */
  completionBoundMs: number
  /** Skip `node ace build` (a build of the current sources is already there). */
  skipBuild: boolean
  keepDatabase: boolean
  log: (line: string) => void
}

/**
 * The completion bound the README states: two minutes to start and heal,
 * plus 20 ms a message (50 a second: this 2-core machine sends 500–800 a
 * second alone, and about 100 with a dozen other processes competing for
 * its cores), plus the time the faults keep parts broken, so only a run
 * that is stuck or crawling misses it.
 */
export function completionBoundFor(recipients: number, faultsMs = 0) {
  return 120_000 + recipients * 20 + faultsMs
}

const OWN_VARIABLES = [
  'FLEET_RECIPIENTS',
  'FLEET_SEED',
  'FLEET_FAULTS',
  'FLEET_FAULT_DURATION',
  'FLEET_DATABASE',
  'FLEET_PROXY_PORT',
  'FLEET_WEB_PORT',
  'FLEET_SMTP_PORT',
  'FLEET_REDIS_PORT',
  'FLEET_WORKERS',
  'FLEET_SCHEDULERS',
  'FLEET_BOUND_MS',
  'FLEET_SKIP_BUILD',
  'FLEET_KEEP_DATABASE',
  'FLEET_PROMETHEUS',
]

/**
 * Every variable the fleet test reads: its own and one per timing.
 */
export const FLEET_VARIABLES = [...OWN_VARIABLES, ...TIMING_NAMES.map((name) => `FLEET_${name}`)]

/**
 * FLEET_FAULTS: a comma list of `kind`, `kind@at` and `kind@at:duration`
 * (`at` a share of the recipients, 0.3 or 30 %; `duration` as the app reads
 * them, 20s); FLEET_FAULT_DURATION sets the duration of every kind that
 * lasts and is given none.
 */
export function parseFaults(list: string, defaultDuration?: string): PlannedFault[] {
  const fallbackMs = positiveDuration('FLEET_FAULT_DURATION', defaultDuration)
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^([a-z0-9-]+)(?:@([\d.]+%?))?(?::(.+))?$/.exec(entry)
      const sentence = (problem: string) =>
        new Error(`FLEET_FAULTS: "${entry}" ${problem} (write kind, kind@0.3 or kind@30%:20s)`)
      if (!match) throw sentence('is not a fault')
      const [, kind, atText, durationText] = match
      const faultKind = FAULT_KINDS[kind]
      if (!faultKind) {
        const known = Object.entries(FAULT_KINDS).map(([name, k]) => `  ${name}: ${k.summary}`)
        throw new Error(
          `FLEET_FAULTS: no fault kind "${kind}"; the kinds are:\n${known.join('\n')}`
        )
      }
      const planned: PlannedFault = { kind }
      if (atText !== undefined) {
        const at = atText.endsWith('%') ? Number(atText.slice(0, -1)) / 100 : Number(atText)
        if (!(at > 0 && at < 1)) throw sentence('has its moment outside the sending (0–1, 0–100 %)')
        planned.at = at
      }
      if (durationText !== undefined) {
        if (!faultKind.lasts) throw sentence(`gives a duration, but ${kind} is instantaneous`)
        planned.ms = positiveDuration('FLEET_FAULTS', durationText)
      } else if (faultKind.lasts && fallbackMs !== undefined) {
        planned.ms = fallbackMs
      }
      return planned
    })
}

function positiveDuration(variable: string, value?: string) {
  if (value === undefined) return undefined
  const ms = duration(variable, value)
  if (!ms) throw new Error(`${variable} must be a duration longer than 0 (got "${value}")`)
  return ms
}

/**
 * FLEET_PROMETHEUS: a path to the binary, 0 for none; by default the one on
 * the PATH or the one npm test unpacked.
 */
function prometheusBinary(value: string | undefined) {
  if (value === '0') return null
  if (value) {
    if (!isExecutable(value)) throw new Error(`FLEET_PROMETHEUS: no program at "${value}"`)
    return value
  }
  return prometheusProgram('prometheus')
}

function port(variable: string, value: string) {
  return wholeNumber(variable, value, 1, 65_535)
}

/**
 * Options from FLEET_* variables over the defaults given; the ports not
 * given are free ones.
 */
export async function fleetOptionsFromEnv(defaults: {
  recipients: number
  database: string
  log: (line: string) => void
}): Promise<FleetOptions> {
  const e = process.env
  const unknown = Object.keys(e).filter(
    (name) => name.startsWith('FLEET_') && !FLEET_VARIABLES.includes(name)
  )
  if (unknown.length > 0) {
    throw new Error(
      `${unknown.join(', ')}: not a setting of the fleet test; it reads ${FLEET_VARIABLES.join(', ')}`
    )
  }
  const number = (variable: string, fallback: number, min: number, max: number) =>
    e[variable] === undefined ? fallback : wholeNumber(variable, e[variable]!, min, max)
  const recipients = number('FLEET_RECIPIENTS', defaults.recipients, 100, 10_000_000)
  const timings = Timings.fromEnv(e)
  const faults = parseFaults(e.FLEET_FAULTS ?? DEFAULT_FAULTS.join(','), e.FLEET_FAULT_DURATION)
  const faultsMs = faults.reduce(
    (sum, fault) => sum + (fault.ms ?? FAULT_KINDS[fault.kind].lasts?.(timings) ?? 0),
    0
  )
  const webPort = e.FLEET_WEB_PORT ? port('FLEET_WEB_PORT', e.FLEET_WEB_PORT) : undefined
  const given = (variable: string) => (e[variable] ? port(variable, e[variable]!) : undefined)
  const ports = {
    proxy: given('FLEET_PROXY_PORT'),
    smtp: given('FLEET_SMTP_PORT'),
    redis: given('FLEET_REDIS_PORT'),
  }
  // Free ports, none twice, none of those given.
  const taken = new Set([ports.proxy, ports.smtp, ports.redis, webPort, webPort && webPort + 1])
  const free = async () => {
    for (;;) {
      const candidate = await freePort()
      if (taken.has(candidate)) continue
      taken.add(candidate)
      return candidate
    }
  }
  if (webPort === 65_535) throw new Error('FLEET_WEB_PORT must leave room for the next port')
  const database = e.FLEET_DATABASE ?? defaults.database
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) {
    throw new Error(`FLEET_DATABASE must be a plain lowercase name (got "${database}")`)
  }
  const workers = number('FLEET_WORKERS', 3, 1, 32)
  const schedulers = number('FLEET_SCHEDULERS', 2, 1, 32)
  const metrics: number[] = []
  for (let index = 0; index < workers + schedulers; index++) metrics.push(await free())
  return {
    recipients,
    seed: number('FLEET_SEED', Math.floor(Math.random() * 2 ** 31), 0, 2 ** 32 - 1),
    faults,
    database,
    pg: {
      host: e.DB_HOST ?? '127.0.0.1',
      port: Number(e.DB_PORT ?? 5432),
      user: e.DB_USER ?? 'postgres',
      password: e.DB_PASSWORD ?? '',
    },
    ports: {
      proxy: ports.proxy ?? (await free()),
      web: webPort ? [webPort, webPort + 1] : [await free(), await free()],
      smtp: ports.smtp ?? (await free()),
      redis: ports.redis ?? (await free()),
      metrics,
      prometheus: await free(),
    },
    prometheus: prometheusBinary(e.FLEET_PROMETHEUS),
    workers,
    schedulers,
    timings,
    completionBoundMs: number(
      'FLEET_BOUND_MS',
      completionBoundFor(recipients, faultsMs),
      1000,
      24 * 3_600_000
    ),
    skipBuild: e.FLEET_SKIP_BUILD === '1',
    keepDatabase: e.FLEET_KEEP_DATABASE === '1',
    log: defaults.log,
  }
}
