/*
 * The fleet test (issue 13, item 5), shared by `npm run bench:fleet`
 * (bench/fleet.ts, 50,000 recipients) and the CI-sized Japa suite `fleet`
 * (tests/fleet/fleet.spec.ts, 20,000). A mailing is created and started
 * over the API through the proxy; while it sends, the planned faults are
 * injected (faults.ts; at the moments FLEET_FAULTS gives, the others at
 * moments a seeded PRNG picks: the seed is printed and FLEET_SEED replays
 * it). The checks: every planned fault injected while the sink was still
 * hearing from new recipients, nobody lost, each fault's duplicates within
 * its own bound and none that no fault explains, one run, completed within
 * a bound, the API's numbers equal to the sink's.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { FAULT_KINDS, type FaultKind } from './faults.js'
import { Fleet, logsFolder } from './fleet.js'
import { SCRAPE_SECONDS, formatPanels, type PanelCheck } from './dashboard.js'
import type { FleetOptions, PlannedFault } from './settings.js'

/**
 * How far from a fault's window the first copy of a duplicate may have been
 * accepted and still be the fault's doing: the sender learns of the 250 and
 * writes it down within a moment (or, the database away, within the
 * attempt log's 4 s of retries), so a copy accepted longer before the fault
 * began, or after it ended, was lost for another reason.
 */
const ATTRIBUTION_SLACK_MS = 5000

/**
 * mulberry32: a small seeded PRNG, so a run's fault moments can be replayed.
 */
function prng(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface FaultRecord {
  kind: string
  /** The planned moment, as a share of the recipients. */
  at: number
  /** How long it was to last, in ms (0: instantaneous). */
  ms: number
  injected: boolean
  /** Seconds from the start request. */
  atSeconds?: number
  /** The share of the recipients the sink had heard from then. */
  progress?: number
  outcome: string
  /** Wall-clock window (Date.now()) the fault's damage spans. */
  from?: number
  to?: number
  duplicatesAllowed: number
  /** Duplicates whose first copy was accepted within its window (± slack). */
  duplicates: number
}

/**
 * A fault of the plan as the run follows it: its record, and the draw that
 * picks which process it hits (planFaults).
 */
type ScheduledFault = FaultRecord & { target: number }

export interface FleetReport {
  seed: number
  recipients: number
  faults: FaultRecord[]
  /** The run completed (within the bound). */
  completed: boolean
  durationMs: number
  boundMs: number
  lost: string[]
  duplicates: number
  unexplainedDuplicates: number
  runs: number
  apiTotals: Record<string, number>
  sinkUnique: number
  sinkAccepted: number
  deliveries: Record<string, number>
  proxyFailovers: number
  timings: Record<string, string>
  /**
   * The Grafana dashboard's panels as Prometheus answered them for the run,
   * and the instances it scraped; null without Prometheus.
   */
  dashboard: { panels: PanelCheck[]; instances: string[]; error?: string } | null
  failures: string[]
}

/**
 * The plan: each fault with its moment (FLEET_FAULTS's, or one the seed
 * picks from 5 % to 75 % of the recipients, so that it lands while the sink
 * still hears from new ones) and its duration, in the order of the moments.
 */
export function planFaults(options: FleetOptions, random: () => number) {
  const moments = options.faults.map((fault: PlannedFault) => ({
    kind: fault.kind,
    at: fault.at ?? 0.05 + random() * 0.7,
    ms: fault.ms ?? FAULT_KINDS[fault.kind].lasts?.(options.timings) ?? 0,
  }))
  // Which process each fault hits is drawn now, after the moments (so a
  // seed keeps its moments), not when it lands: a fault that waits for
  // another on its part would otherwise draw at a moment that depends on
  // the timing of the others, and the seed would not replay it.
  return moments.map((fault) => ({ ...fault, target: random() })).sort((a, b) => a.at - b.at)
}

/**
 * Runs the whole test and returns what it found; `failures` lists every
 * check that did not hold (empty: the fleet passed).
 */
export async function runFleet(options: FleetOptions): Promise<FleetReport> {
  const plan = planFaults(options, prng(options.seed))
  options.log(
    [
      `Fleet: ${options.recipients} recipients, seed ${options.seed} (FLEET_SEED=${options.seed} replays it)`,
      `faults: ${plan.map((f) => `${f.kind}@${percent(f.at)}${f.ms ? `:${f.ms / 1000}s` : ''}`).join(', ')}`,
      `timings: ${Object.entries(options.timings.values)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')}`,
      `ports: proxy ${options.ports.proxy}, web ${options.ports.web.join(' and ')}, SMTP ${options.ports.smtp}, Redis ${options.ports.redis}; logs in ${fileURLToPath(logsFolder(options))}`,
    ].join('\n')
  )
  const fleet = new Fleet(options)
  const whole = runAndTearDown(fleet, plan)
  // Stopped from outside (Ctrl-C, `timeout`, a cancelled CI job), the
  // harness takes its fleet down first: left running, its processes would
  // keep the ports and the database of the next run. They stop at once;
  // the run then ends (each start step and the sending loop look at
  // `fleet.stopped`) and tears down (the database dropped), or the harness
  // exits after a minute anyway.
  const stopOnSignal = (signal: NodeJS.Signals) => {
    options.log(`${signal}: stopping the fleet…`)
    void fleet
      .down()
      .then(() => Promise.race([whole.catch(() => {}), sleep(60_000)]))
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', stopOnSignal)
  process.once('SIGTERM', stopOnSignal)
  try {
    return await whole
  } finally {
    process.off('SIGINT', stopOnSignal)
    process.off('SIGTERM', stopOnSignal)
  }
}

async function runAndTearDown(fleet: Fleet, plan: ReturnType<typeof planFaults>) {
  try {
    await fleet.up()
    await fleet.seed()
    return await sendUnderFaults(fleet, plan)
  } catch (error) {
    const logs = [...fleet.workers, ...fleet.schedulers, ...fleet.webs]
      .map((p) => `--- ${p.name}\n${p.output.slice(-3000)}`)
      .join('\n')
    fleet.options.log(logs)
    throw error
  } finally {
    await tearDown(fleet)
  }
}

async function tearDown(fleet: Fleet) {
  await fleet.down()
  if (!fleet.options.keepDatabase) await fleet.dropDatabase()
}

const percent = (share: number) => `${Math.round(share * 100)}%`
const secondsSince = (since: number) => Number(((performance.now() - since) / 1000).toFixed(1))

async function sendUnderFaults(
  fleet: Fleet,
  plan: ReturnType<typeof planFaults>
): Promise<FleetReport> {
  const { options, sink } = fleet
  const message = await fleet.api('POST', '/messages', {
    subject: 'Fleet test for {{ client.full_name }}',
    body_text: 'Hello {{ client.full_name }}.\n\nUnsubscribe: {{ unsubscribe_url }}',
  })
  const tomorrow = new Date(Date.now() + 24 * 3600_000)
  const mailing = await fleet.api('POST', '/mailings', {
    name: `Fleet ${options.seed}`,
    message_id: message.id,
    audience: 'all',
    periodicity: 'once',
    start_at: tomorrow.toISOString().slice(0, 19) + 'Z',
    end_at: new Date(tomorrow.getTime() + 3600_000).toISOString().slice(0, 19) + 'Z',
  })

  const began = performance.now()
  const beganAt = Date.now()
  await fleet.api('POST', `/mailings/${mailing.id}/send`)
  fleet.log(`Mailing ${mailing.id} started over the API`)

  const faults: ScheduledFault[] = plan.map((planned) => ({
    ...planned,
    injected: false,
    outcome: '',
    duplicatesAllowed: 0,
    duplicates: 0,
  }))
  const completed = async () => {
    const rows = await fleet
      .query(`SELECT status FROM mailing_runs WHERE mailing_id = ?`, [mailing.id])
      .catch(() => [])
    return rows.length > 0 && rows.every((row) => row.status === 'completed')
  }
  // A fault is injected while the sink still hears from new recipients:
  // after that there is nothing left for it to disturb.
  let judged = false
  const sending = () => !judged && sink.unique < options.recipients
  const inject = async (fault: ScheduledFault) => {
    if (!sending()) return
    fault.atSeconds = secondsSince(began)
    fault.progress = sink.unique / options.recipients
    fleet.log(`t=${fault.atSeconds}s (${percent(fault.progress)} sent): ${fault.kind}`)
    fault.from = Date.now()
    const pick = <T>(list: T[]) => list[Math.floor(fault.target * list.length)]
    const injected = await FAULT_KINDS[fault.kind].inject(fleet, pick, fault.ms)
    fault.to = Date.now()
    fault.injected = true
    fault.outcome = injected.outcome
    fault.duplicatesAllowed = FAULT_KINDS[fault.kind].mayDuplicate(fleet, injected)
  }
  // Each fault starts at its moment, whatever else is broken then, except
  // that a part takes one fault at a time (FaultKind.part).
  const lastOnPart = new Map<FaultKind['part'], Promise<void>>()
  const injections: Promise<void>[] = []
  const deadline = began + options.completionBoundMs
  let next = 0
  let done = false
  let injectionFailed = false
  let lastLook = 0
  while (performance.now() < deadline && !injectionFailed) {
    if (fleet.stopped) throw new Error('The fleet was taken down while it sent')
    const fault = faults[next]
    if (fault && sending() && sink.unique >= fault.at * options.recipients) {
      const { part } = FAULT_KINDS[fault.kind]
      const injection = (lastOnPart.get(part) ?? Promise.resolve()).then(() => inject(fault))
      // Handled here, thrown below: a failed injection fails the run, at once.
      injection.catch(() => (injectionFailed = true))
      lastOnPart.set(part, injection)
      injections.push(injection)
      next++
      continue
    }
    if (await completed()) {
      done = true
      break
    }
    // An operator watching the mailing over the API, once a second: the
    // traffic the dashboard's HTTP panels show.
    if (performance.now() - lastLook >= 1000) {
      lastLook = performance.now()
      void fleet.look(`/mailings/${mailing.id}/stats`)
    }
    await sleep(250)
  }
  const durationMs = performance.now() - began
  // No fault starts from now on (one waiting for its part would land on a
  // finished run), and every broken part is whole again before the fleet
  // is judged or stopped: all settle before the first failure is thrown.
  judged = true
  const settled = await Promise.allSettled(injections)
  const failed = settled.find((result) => result.status === 'rejected')
  if (failed) throw failed.reason
  const dashboard = await checkDashboard(fleet, beganAt)
  return check(fleet, mailing.id, faults, durationMs, done, dashboard)
}

/**
 * The dashboard over the run, once Prometheus has scraped its end.
 */
async function checkDashboard(fleet: Fleet, from: number): Promise<FleetReport['dashboard']> {
  if (!fleet.prometheus) return null
  await sleep(2 * SCRAPE_SECONDS * 1000)
  try {
    const [panels, instances] = await Promise.all([
      fleet.prometheus.checkDashboard(from, Date.now()),
      fleet.prometheus.instances(),
    ])
    return { panels, instances }
  } catch (error: any) {
    // Prometheus itself gone (stopped from outside): the rest of the
    // report still stands.
    return { panels: [], instances: [], error: `Prometheus did not answer: ${error.message}` }
  }
}

/**
 * Which fault each duplicate is the doing of. Every copy an address got but
 * its last is one whose acceptance was not written down; the fault is the
 * one whose window holds the moment the sink accepted that copy (or, within
 * ATTRIBUTION_SLACK_MS, is nearest to it). Faults that can lose an
 * acceptance (`duplicatesAllowed` > 0) are looked at first: faults overlap
 * (on different parts, or one injected the moment the one before it on the
 * same part ends), and a copy accepted
 * the instant before a worker was killed lies inside the window of a web
 * restart that ended at that instant, at distance 0, though the web process
 * never sends. Only a copy no such fault explains is charged to another
 * fault, which then fails its bound. Returns how many copies no fault
 * explains.
 */
export function attributeDuplicates(
  acceptances: Iterable<number[]>,
  faults: Pick<FaultRecord, 'from' | 'to' | 'duplicates' | 'duplicatesAllowed'>[]
) {
  const mayDuplicate = faults.filter((fault) => fault.duplicatesAllowed > 0)
  let unexplained = 0
  for (const times of acceptances) {
    for (const time of times.slice(0, -1)) {
      const fault = nearestFault(time, mayDuplicate) ?? nearestFault(time, faults)
      if (fault) fault.duplicates += 1
      else unexplained += 1
    }
  }
  return unexplained
}

/**
 * The injected fault whose window is nearest to `time`, within
 * ATTRIBUTION_SLACK_MS. Between faults as near (overlapping windows that
 * both hold it), the one with the most room left under its bound: the copy
 * could be either's doing, and the run fails only if the copies of such
 * faults are more than they may cause together.
 */
function nearestFault<
  Fault extends Pick<FaultRecord, 'from' | 'to' | 'duplicates' | 'duplicatesAllowed'>,
>(time: number, faults: Fault[]) {
  let nearest: Fault | undefined
  let nearestDistance = Number.POSITIVE_INFINITY
  const room = (fault: Fault) => fault.duplicatesAllowed - fault.duplicates
  for (const fault of faults) {
    if (fault.from === undefined || fault.to === undefined) continue
    const distance = time < fault.from ? fault.from - time : Math.max(0, time - fault.to)
    if (distance > ATTRIBUTION_SLACK_MS) continue
    if (
      distance < nearestDistance ||
      (distance === nearestDistance && room(fault) > room(nearest!))
    ) {
      nearest = fault
      nearestDistance = distance
    }
  }
  return nearest
}

/**
 * What did not hold of each fault: injected, within its own bound.
 * `everyoneReached`: the sink had heard from every recipient by the end.
 */
export function faultFailures(faults: FaultRecord[], everyoneReached: boolean) {
  const failures: string[] = []
  for (const fault of faults) {
    if (!fault.injected) {
      fault.outcome = 'not injected'
      failures.push(
        `${fault.kind}, planned at ${percent(fault.at)} of the recipients, was not injected: ${
          everyoneReached
            ? 'every recipient had been reached before it could be (its moment came too late, or while earlier faults still lasted): plan it earlier, or fewer or shorter faults before it'
            : 'the run ended first'
        }`
      )
    } else if (fault.duplicates > fault.duplicatesAllowed) {
      failures.push(
        `${fault.kind} at ${fault.atSeconds} s caused ${fault.duplicates} duplicates, more than it may (${fault.duplicatesAllowed})`
      )
    }
  }
  return failures
}

async function check(
  fleet: Fleet,
  mailingId: number,
  faults: FaultRecord[],
  durationMs: number,
  done: boolean,
  dashboard: FleetReport['dashboard']
): Promise<FleetReport> {
  const { options, sink } = fleet
  const failures: string[] = []
  const clients = await fleet.query(`SELECT email FROM clients`)
  const lost = clients
    .map((client) => String(client.email).toLowerCase())
    .filter((email) => !sink.acceptances.has(email))
  const unexplainedDuplicates = attributeDuplicates(sink.acceptances.values(), faults)
  const runRows = await fleet.query(
    `SELECT count(*)::int AS runs FROM mailing_runs WHERE mailing_id = ?`,
    [mailingId]
  )
  const statusRows = await fleet.query(
    `SELECT status, count(*)::int AS n FROM deliveries GROUP BY status`
  )
  const deliveries = Object.fromEntries(statusRows.map((row) => [row.status, row.n]))
  let apiTotals: Record<string, number> = {}
  if (done) {
    try {
      const stats = await fleet.api('GET', `/mailings/${mailingId}/stats`)
      apiTotals = stats.totals
    } catch (error: any) {
      failures.push(`the API's statistics could not be read: ${error.message}`)
    }
  }

  failures.push(...faultFailures(faults, sink.unique >= options.recipients))
  if (!done) failures.push(`the run did not complete within ${options.completionBoundMs / 1000} s`)
  if (lost.length > 0) {
    failures.push(`${lost.length} recipients got nothing (${lost.slice(0, 5).join(', ')}…)`)
  }
  if (unexplainedDuplicates > 0) {
    failures.push(
      `${unexplainedDuplicates} duplicates whose first copy was accepted more than ${ATTRIBUTION_SLACK_MS / 1000} s away from every fault`
    )
  }
  if (runRows[0].runs !== 1) failures.push(`${runRows[0].runs} runs for one occurrence`)
  // Every process the faults stopped was started again: one that is not
  // running was stopped by something else (it crashed, or someone outside).
  for (const part of [...fleet.webs, ...fleet.workers, ...fleet.schedulers, fleet.redis]) {
    const ending = part.ending
    if (ending) {
      failures.push(
        `${part.name} was not running at the end (it exited with ${ending.signal ?? `code ${ending.code}`}) and no fault started it again`
      )
    }
  }
  if (
    done &&
    apiTotals.sent !== undefined &&
    (apiTotals.sent !== sink.unique || apiTotals.total !== options.recipients)
  ) {
    failures.push(
      `the API says ${apiTotals.sent} sent of ${apiTotals.total}; the sink has ${sink.unique} recipients`
    )
  }
  if (dashboard?.error) failures.push(dashboard.error)
  if (dashboard && !dashboard.error) {
    failures.push(...dashboard.panels.flatMap((panel) => panel.problem ?? []))
    const processes = options.ports.web.length + options.ports.metrics.length
    if (dashboard.instances.length !== processes) {
      failures.push(
        `the dashboard's instance picker lists ${dashboard.instances.length} processes, not the fleet's ${processes}`
      )
    }
  }
  return {
    seed: options.seed,
    recipients: options.recipients,
    faults,
    completed: done,
    durationMs,
    boundMs: options.completionBoundMs,
    lost,
    duplicates: sink.duplicates,
    unexplainedDuplicates,
    runs: runRows[0].runs,
    apiTotals,
    sinkUnique: sink.unique,
    sinkAccepted: sink.accepted,
    deliveries,
    proxyFailovers: fleet.proxy.failovers,
    timings: options.timings.values,
    dashboard,
    failures,
  }
}

/**
 * The report as the bench and the test print it: the fault table, then the
 * numbers.
 */
export function formatReport(report: FleetReport) {
  const rows = report.faults.map((f) => [
    f.kind,
    percent(f.at),
    f.atSeconds === undefined ? '-' : `${f.atSeconds} s`,
    f.progress === undefined ? '-' : percent(f.progress),
    f.ms ? `${f.ms / 1000} s` : '-',
    f.outcome,
    f.injected ? String(f.duplicatesAllowed) : '-',
    f.injected ? String(f.duplicates) : '-',
  ])
  const header = [
    'fault',
    'planned',
    'time',
    'sent then',
    'lasts',
    'outcome',
    'may duplicate',
    'duplicates',
  ]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  const allowed = report.faults.reduce((sum, f) => sum + f.duplicatesAllowed, 0)
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    '',
    `seed ${report.seed}: ${report.recipients} recipients, ${report.completed ? 'run completed in' : 'run NOT completed; waited'} ${(report.durationMs / 1000).toFixed(1)} s (bound ${report.boundMs / 1000} s)`,
    `sink: ${report.sinkUnique} recipients, ${report.sinkAccepted} messages; lost ${report.lost.length}; duplicates ${report.duplicates} (the faults may cause ${allowed}; ${report.unexplainedDuplicates} explained by none)`,
    `runs for the occurrence: ${report.runs}; API totals: ${JSON.stringify(report.apiTotals)}`,
    `deliveries: ${JSON.stringify(report.deliveries)}; proxy failovers: ${report.proxyFailovers}`,
    `timings: ${Object.entries(report.timings)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}`,
    ...(report.dashboard
      ? [
          `Grafana dashboard against the fleet's Prometheus (${report.dashboard.instances.length} instances scraped), series moving/returned per query:`,
          ...formatPanels(report.dashboard.panels),
        ]
      : [
          'Grafana dashboard: not checked (FLEET_PROMETHEUS=0, or no prometheus found: npm test unpacks one)',
        ]),
    report.failures.length === 0 ? 'PASSED' : `FAILED:\n- ${report.failures.join('\n- ')}`,
  ].join('\n')
}
