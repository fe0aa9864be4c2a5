/*
 * The Grafana dashboard (deploy/grafana/mailings.json) opened against the
 * running fleet: a real Prometheus scrapes every web, worker and scheduler
 * process's /metrics through the faults, and once the run has completed
 * each panel's queries are asked of it as range queries over the run, the
 * dashboard's variables filled in as Grafana would ("All" instances, a rate
 * interval of four scrapes). A query Prometheus refuses, or a panel with no data where the
 * fleet certainly made some, fails the run: the static check of the suite
 * (tests/functional/monitoring/dashboard.spec.ts) sees names, this sees
 * what an operator would see.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ServiceProcess } from '#tests/helpers/processes'
import { waitUntil } from '#tests/helpers/wait'

const APP_ROOT = new URL('../../../', import.meta.url)
const DASHBOARD = new URL('deploy/grafana/mailings.json', APP_ROOT)

/** Prometheus scrapes every process this often. */
export const SCRAPE_SECONDS = 2

/**
 * Grafana's `$__rate_interval` for that scrape interval: at least four
 * scrapes, so a rate always has two samples even when one scrape is missed.
 */
const RATE_INTERVAL = `${4 * SCRAPE_SECONDS}s`

/**
 * Panels a healthy fleet run may leave flat (only zeros, or no series), and
 * why. Every other panel must show a value other than zero: a counter that
 * exists but never moves is as blank to an operator as a missing one.
 */
const MAY_BE_FLAT: Record<string, string> = {
  'Webhook attempts per second by result': 'the fleet has no webhook endpoint',
  'Errors per second (5xx) by route': 'only a fault that makes a web process answer 5xx fills it',
  'Oldest waiting job': 'zero while every batch finds a free worker at once',
  'Run lateness (planned start to first message)':
    'observed once per run, in the worker that sent first: lost if a fault kills it before a scrape',
}

export interface PanelCheck {
  panel: string
  /**
   * Per query, in the panel's order: the series Prometheus returned and how
   * many of them show a value other than zero; null: the query was refused.
   */
  series: ({ total: number; moving: number } | null)[]
  problem?: string
}

interface Panel {
  title: string
  expressions: string[]
}

/**
 * The dashboard's panels with their PromQL (rows flattened).
 */
export function dashboardPanels(dashboard: any): Panel[] {
  const panels: Panel[] = []
  const visit = (list: any[] = []) => {
    for (const panel of list) {
      const expressions = (panel.targets ?? []).map((target: any) => target.expr).filter(Boolean)
      if (expressions.length > 0) panels.push({ title: panel.title, expressions })
      visit(panel.panels)
    }
  }
  visit(dashboard.panels)
  return panels
}

/**
 * A query as Grafana would send it with "All" instances chosen, over
 * `rangeSeconds`. Grafana's `$__rate_interval` depends on the data source's
 * scrape interval and the panel's step; four scrapes is its floor.
 */
function asGrafanaSendsIt(expression: string, rangeSeconds: number) {
  return expression
    .replaceAll('$__rate_interval', RATE_INTERVAL)
    .replaceAll('$__range', `${rangeSeconds}s`)
    .replaceAll('$instance', '.*')
}

/**
 * A Prometheus of its own (the `prometheus` binary, Debian's package),
 * scraping the given ports with the metrics token: the fleet's, and the
 * suite's dashboard test's (tests/functional/monitoring/dashboard.spec.ts).
 */
export class DashboardPrometheus {
  readonly port: number
  readonly #process: ServiceProcess
  readonly #folder: string
  readonly #targets: number

  constructor({
    binary,
    port,
    targets,
    token,
    name,
  }: {
    binary: string
    /** Its own HTTP port (the query API). */
    port: number
    /** The processes it scrapes, `host:port`. */
    targets: string[]
    /** METRICS_TOKEN of those processes. */
    token: string
    /** Names its folder under tmp/ (configuration, data, log). */
    name: string
  }) {
    this.port = port
    this.#targets = targets.length
    this.#folder = fileURLToPath(new URL(`tmp/prometheus-${name}/`, APP_ROOT))
    rmSync(this.#folder, { recursive: true, force: true })
    mkdirSync(this.#folder, { recursive: true })
    const tokenFile = `${this.#folder}metrics_token`
    writeFileSync(tokenFile, token, { mode: 0o600 })
    // JSON is YAML: no YAML writer needed for one generated file.
    const config = {
      global: { scrape_interval: `${SCRAPE_SECONDS}s`, scrape_timeout: `${SCRAPE_SECONDS}s` },
      scrape_configs: [
        {
          job_name: 'mailings',
          authorization: { type: 'Bearer', credentials_file: tokenFile },
          static_configs: [{ targets }],
        },
      ],
    }
    writeFileSync(`${this.#folder}prometheus.yml`, JSON.stringify(config, null, 2))
    this.#process = new ServiceProcess(
      binary,
      [
        `--config.file=${this.#folder}prometheus.yml`,
        `--storage.tsdb.path=${this.#folder}data`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      {
        name: 'Prometheus',
        readyText: 'Server is ready to receive web requests.',
        keepOutput: 20_000,
        logFile: `${this.#folder}prometheus.log`,
      }
    )
  }

  /**
   * Starts Prometheus and waits for its first good scrape of every process:
   * a counter's first sample must come before the run moves it, or rate()
   * has nothing to count from (a short run could end before the first
   * scrape).
   */
  async start() {
    await this.#process.start()
    await waitUntil(
      `Prometheus scraping all ${this.#targets} processes`,
      async () => {
        const answer = await this.#api('targets', { state: 'active' })
        const up = (answer.data?.activeTargets ?? []).filter((t: any) => t.health === 'up')
        return up.length === this.#targets
      },
      60_000
    )
  }

  async stop() {
    await this.#process.stop('SIGTERM', 10_000)
  }

  async #api(path: string, parameters: Record<string, string>) {
    const url = new URL(`http://127.0.0.1:${this.port}/api/v1/${path}`)
    for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value)
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) })
    return (await response.json()) as { status: string; error?: string; data: any }
  }

  /**
   * Every process Prometheus scraped, as the dashboard's instance picker
   * lists them (`label_values(mailings_process_start_time_seconds, instance)`).
   */
  async instances(): Promise<string[]> {
    const answer = await this.#api('label/instance/values', {
      'match[]': 'mailings_process_start_time_seconds',
    })
    return answer.data ?? []
  }

  /**
   * Each panel's queries over [from, to] (epoch ms), after one more scrape
   * so the end of the run is in.
   */
  async checkDashboard(from: number, to: number): Promise<PanelCheck[]> {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'))
    const rangeSeconds = Math.max(1, Math.ceil((to - from) / 1000))
    const checks: PanelCheck[] = []
    for (const panel of dashboardPanels(dashboard)) {
      const check: PanelCheck = { panel: panel.title, series: [] }
      for (const expression of panel.expressions) {
        const answer = await this.#api('query_range', {
          query: asGrafanaSendsIt(expression, rangeSeconds),
          start: String(from / 1000),
          end: String(to / 1000),
          step: `${SCRAPE_SECONDS}s`,
        })
        if (answer.status !== 'success') {
          check.series.push(null)
          check.problem = `Prometheus refused ${expression}: ${answer.error}`
          continue
        }
        const result: { metric: Record<string, string>; values: [number, string][] }[] =
          answer.data.result
        check.series.push({
          total: result.length,
          moving: result.filter(
            (series) =>
              !SCRAPED_ROUTES.has(series.metric.route) &&
              series.values.some(([, value]) => shows(value))
          ).length,
        })
      }
      if (!check.problem && flat(check) && !(panel.title in MAY_BE_FLAT)) {
        check.problem = `"${panel.title}" shows nothing but zeros for the run`
      }
      checks.push(check)
    }
    return checks
  }
}

/**
 * Requests Prometheus makes itself: a panel by route that moves only with
 * them shows the scrapes, not the fleet's traffic.
 */
const SCRAPED_ROUTES = new Set(['/metrics', '/health/live', '/health/ready'])

/** A sample Grafana draws as something: a number other than 0 (not NaN). */
function shows(value: string) {
  const number = Number(value)
  return Number.isFinite(number) && number !== 0
}

const flat = (check: PanelCheck) => check.series.every((query) => !query || query.moving === 0)

/**
 * The dashboard's panels as the report prints them: per query, the series
 * and how many of them move.
 */
export function formatPanels(checks: PanelCheck[]) {
  return checks.map((check) => {
    const series = check.series.map((query) =>
      query ? `${query.moving}/${query.total}` : 'refused'
    )
    const note = check.problem ?? (flat(check) ? `flat: ${MAY_BE_FLAT[check.panel]}` : '')
    return `  ${check.panel}: ${series.join(', ')}${note ? ` (${note})` : ''}`
  })
}
