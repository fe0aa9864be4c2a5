import logger from '@adonisjs/core/services/logger'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { requestIdOf } from '#services/http/request_ids'
import { runCausedBy } from '#services/queue/work_context'

/**
 * Gives the request its id (requestIdOf) before anything else runs: the
 * header the framework reads (`request.id()`), the X-Request-Id response
 * header, and the work context (#services/queue/work_context), through
 * which every log line of the request and every job it queues carry it.
 */
export default class RequestIdMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const requestId = requestIdOf(ctx.request.request)
    ctx.request.request.headers['x-request-id'] = requestId
    ctx.response.header('X-Request-Id', requestId)
    // The framework's request logger is bound to the raw header; the work
    // context's fields replace it (one request_id per line).
    ctx.logger = logger
    return runCausedBy({ requestId }, next)
  }
}
