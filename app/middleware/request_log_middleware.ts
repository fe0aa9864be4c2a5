import logger from '@adonisjs/core/services/logger'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { runCausedBy } from '#services/queue/work_context'

/**
 * How much of an unmatched URL's path is written.
 */
const PATH_LIMIT = 200

/**
 * The access log: one line per request, written when its response has been
 * sent (streamed CSV exports included) or the client went away, whatever
 * the outcome: pages, API calls, 404s, errors (whose own line, from the
 * exception handler, carries the same request_id).
 *
 * Neither query strings nor bodies are written, and a matched request is
 * logged by its route pattern (`/u/:token`), never by its path: both may
 * carry tokens, email addresses, passwords. Only a request no route matched
 * (a static file, a 404) is logged by its path, without the query, cut.
 * Probes (/health/*, /metrics) are written at debug level only.
 */
export default class RequestLogMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const startedAt = performance.now()
    // Read now: once the client has gone the socket no longer says.
    const ip = ctx.request.ip()
    // 'close' follows 'finish', and also comes alone when the client left.
    ctx.response.response.once('close', () => {
      const duration = performance.now() - startedAt
      runCausedBy({ requestId: ctx.request.id()! }, () => logRequest(ctx, ip, duration))
    })
    return next()
  }
}

function logRequest(ctx: HttpContext, ip: string, duration: number) {
  const response = ctx.response.response
  const path = ctx.request.url()
  const line: Record<string, unknown> = {
    method: ctx.request.method(),
    route: ctx.route?.pattern ?? null,
    status: response.statusCode,
    duration_ms: Math.round(duration * 10) / 10,
    ip,
  }
  if (!ctx.route) line.path = path.slice(0, PATH_LIMIT)
  // Set by the auth and tenant middleware on the routes that use them.
  const userId = (ctx.auth as HttpContext['auth'] | undefined)?.user?.id
  if (userId !== undefined) line.user_id = userId
  const tenantId = (ctx.tenant as HttpContext['tenant'] | undefined)?.id
  if (tenantId !== undefined) line.tenant_id = tenantId
  // The client left before the whole response was sent.
  if (!response.writableFinished) line.aborted = true

  const probe = path.startsWith('/health/') || path === '/metrics'
  logger[probe ? 'debug' : 'info'](line, 'request completed')
}
