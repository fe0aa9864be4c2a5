import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { httpRequestDuration } from '#services/observability/metrics'
import { MONITORING_PATHS } from '#services/observability/monitoring_endpoints'

/**
 * Times every request into `mailings_http_request_duration_seconds`,
 * labelled by the route's pattern (`/mailings/:id`, never the URL, so the
 * series stay few whatever URLs are asked for), method and status. Runs
 * first, so what the other middleware cost is counted too; observes when
 * the response has been written.
 */
export default class HttpMetricsMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const startedAt = performance.now()
    ctx.response.response.once('finish', () => {
      httpRequestDuration.observe(
        {
          method: methodLabel(ctx.request.method()),
          route: routeLabel(ctx),
          status: String(ctx.response.response.statusCode),
        },
        (performance.now() - startedAt) / 1000
      )
    })
    return next()
  }
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/**
 * Forms may spoof their method (`_method`), so the method is whatever the
 * client wrote: anything unusual is `OTHER`.
 */
function methodLabel(method: string) {
  return METHODS.has(method) ? method : 'OTHER'
}

/**
 * The route pattern; the path for the monitoring endpoints (answered before
 * the router); `static` for what was answered before the router without an
 * error (files of public/); `unmatched` for the rest (404s).
 */
function routeLabel(ctx: HttpContext) {
  if (ctx.route) return ctx.route.pattern
  const path = ctx.request.url()
  if (MONITORING_PATHS.has(path)) return path
  return ctx.response.response.statusCode < 400 ? 'static' : 'unmatched'
}
