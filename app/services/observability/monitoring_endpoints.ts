import type { IncomingHttpHeaders } from 'node:http'
import type { HealthChecks } from '@adonisjs/core/health'
import { metricsRegistry } from '#services/observability/metrics'
import { detailedHealth, publicHealth } from '#services/observability/health_responses'
import { presentedToken, tokenMatches } from '#services/observability/monitoring_tokens'

export const MONITORING_PATHS = new Set(['/health/live', '/health/ready', '/metrics'])

export interface MonitoringRequest {
  method: string
  /**
   * The path without its query string.
   */
  path: string
  headers: IncomingHttpHeaders
}

export interface MonitoringResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface MonitoringOptions {
  /**
   * The readiness report /health/ready answers (see sharedReadiness).
   */
  readiness: () => Promise<ReadinessReport>
  healthToken?: string
  metricsToken?: string
}

const NO_STORE = { 'Cache-Control': 'no-store' }

export type ReadinessReport = Awaited<ReturnType<HealthChecks['run']>>

/**
 * How long a readiness report answers the probes that follow it.
 */
const READINESS_REUSED_FOR_MS = 1000

/**
 * The readiness of one server (the web's, a worker port's): its checks run
 * once at a time, and their report answers every probe for a second after
 * it (its checks then marked `isCached`). /health/ready is public and
 * reaches the database and Redis, so a flood of probes must not become a
 * flood of checks taking the pool's connections from the pages. Each
 * server shares its own: a web process and a worker port in one process
 * (as in tests) check different things.
 * `checks` builds the checks for each run (readiness.ts says why).
 */
export function sharedReadiness(checks: () => HealthChecks): () => Promise<ReadinessReport> {
  let shared: { report: Promise<ReadinessReport>; until: number } | undefined
  return () => {
    if (shared && Date.now() < shared.until) return shared.report
    const report = checks().run()
    const entry = { report, until: Number.POSITIVE_INFINITY }
    shared = entry
    report.then(
      (finished) => {
        // Probes in flight share the run; those after it get its report
        // marked as the cached answer it is (the details say so).
        entry.report = Promise.resolve({
          ...finished,
          checks: finished.checks.map((check) => ({ ...check, isCached: true })),
        })
        entry.until = Date.now() + READINESS_REUSED_FOR_MS
      },
      // A run that threw (not one that found something down) is not reused.
      () => shared === entry && (shared = undefined)
    )
    return report
  }
}

/**
 * /health/live, /health/ready and /metrics, answered the same way by the
 * web server (MonitoringEndpointsMiddleware) and by a worker's HTTP port
 * (worker_http_server.ts):
 *
 * - /health/live: 200 while the process runs; touches nothing else.
 * - /health/ready: 200 when every check passes (warnings included), else
 *   503. Statuses only, unless HEALTH_TOKEN is presented: then the full
 *   report. A wrong token gets the public answer, not an error, so a
 *   misconfigured probe still sees readiness.
 * - /metrics: 404 while METRICS_TOKEN is unset, 401 without it or with a
 *   wrong one, else the Prometheus text format.
 */
export async function answerMonitoringRequest(
  request: MonitoringRequest,
  options: MonitoringOptions
): Promise<MonitoringResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return json(405, { error: 'Method not allowed' }, { Allow: 'GET, HEAD' })
  }
  const token = presentedToken(request.headers)

  switch (request.path) {
    case '/health/live':
      return json(200, { status: 'ok' })
    case '/health/ready': {
      const report = await options.readiness()
      const detailed = tokenMatches(options.healthToken, token)
      return json(
        report.isHealthy ? 200 : 503,
        detailed ? detailedHealth(report) : publicHealth(report)
      )
    }
    case '/metrics':
      if (!options.metricsToken) return json(404, { error: 'Not found' })
      if (!tokenMatches(options.metricsToken, token)) {
        return json(401, { error: 'Unauthorized' }, { 'WWW-Authenticate': 'Bearer' })
      }
      return {
        status: 200,
        headers: { ...NO_STORE, 'Content-Type': metricsRegistry.contentType },
        body: await metricsRegistry.metrics(),
      }
    default:
      return json(404, { error: 'Not found' })
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    status,
    headers: { ...NO_STORE, 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  }
}
