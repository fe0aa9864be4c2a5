import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import queueConfig from '#config/queue'
import monitoringConfig from '#config/monitoring'
import { startProcessMetrics } from '#services/observability/metrics'
import { watchQueues } from '#services/observability/queue_metrics'
import { webReadiness } from '#services/observability/readiness'
import {
  MONITORING_PATHS,
  answerMonitoringRequest,
  sharedReadiness,
} from '#services/observability/monitoring_endpoints'

startProcessMetrics('web')
watchQueues(queueConfig.queueNames)

/**
 * Answers /health/live, /health/ready and /metrics before the router: the
 * router's middleware stack starts a session and puts a CSRF secret in it
 * on every request, so a probe every few seconds would write a session to
 * Redis and set a cookie each time. Here no session, cookie, CSRF check or
 * rate limit is involved; probes and scrapes cost only their checks.
 */
const readiness = sharedReadiness(webReadiness)

export default class MonitoringEndpointsMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const path = ctx.request.url()
    if (!MONITORING_PATHS.has(path)) return next()

    const answer = await answerMonitoringRequest(
      { method: ctx.request.method(), path, headers: ctx.request.headers() },
      {
        readiness,
        healthToken: monitoringConfig.healthToken,
        metricsToken: monitoringConfig.metricsToken,
      }
    )
    ctx.response.status(answer.status)
    for (const [name, value] of Object.entries(answer.headers)) ctx.response.header(name, value)
    ctx.response.send(answer.body)
  }
}
