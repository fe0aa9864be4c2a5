import app from '@adonisjs/core/services/app'
import { Exception } from '@adonisjs/core/exceptions'
import { errors as bouncerErrors } from '@adonisjs/bouncer'
import { HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { isApiRequest } from '#api/request'
import { problemFromError, sendProblem } from '#api/problem'
import { methodNotAllowed } from '#api/method_not_allowed'
import { withoutQuery } from '#services/database/errors'
import { runCausedBy } from '#services/queue/work_context'
import { isRoleRefusal } from '#policies/app_policy'

export default class HttpExceptionHandler extends ExceptionHandler {
  /**
   * In debug mode, the exception handler will display verbose errors
   * with pretty printed stack traces.
   */
  protected debug = !app.inProduction

  /**
   * Status pages are used to display a custom HTML pages for certain error
   * codes. You might want to enable them in production only, but feel
   * free to enable them in development as well.
   */
  protected renderStatusPages = app.inProduction || app.inTest

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '403': (error, { view }) => view.render('pages/errors/forbidden', { error }),
    '404': (error, { view }) => view.render('pages/errors/not_found', { error }),
    // The body parser refuses oversized uploads before any form validation.
    '413': (error, { view }) => view.render('pages/errors/too_large', { error }),
    '500..599': (error, { view }) => view.render('pages/errors/server_error', { error }),
  }

  /**
   * Refused authorizations answer 404 rather than 403, so nobody learns that
   * another workspace's record (or a staff page) exists. The one exception:
   * a member whose workspace role is too weak (roleRefusal in
   * app/policies/app_policy.ts) gets 403 and why: it hides nothing from them.
   */
  async handle(error: unknown, ctx: HttpContext) {
    // The API answers every error as RFC 9457 problem details, never a page
    // or a stack trace.
    if (isApiRequest(ctx)) {
      const { problem, headers } = problemFromError(methodNotAllowed(error, ctx) ?? error)
      return sendProblem(ctx.response, problem, headers)
    }
    if (error instanceof bouncerErrors.E_AUTHORIZATION_FAILURE && isRoleRefusal(error.response)) {
      const refusal = new Exception(error.response.message, { status: 403, code: 'E_FORBIDDEN' })
      return super.handle(refusal, ctx)
    }
    if (error instanceof bouncerErrors.E_AUTHORIZATION_FAILURE) {
      return super.handle(new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' }), ctx)
    }
    return super.handle(error, ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    // An API client's mistakes (401, 404, 422, 429...) are answered, not logged.
    if (isApiRequest(ctx) && problemFromError(error).problem.status < 500) return
    // A failed query is logged by its kind, never with its statement. The
    // line carries the request's id, as its access log line does.
    const report = () => super.report(withoutQuery(error), ctx)
    const requestId = ctx.request.id()
    return requestId ? runCausedBy({ requestId }, report) : report()
  }

  /**
   * The request id comes with the work context (see report), as
   * `request_id`; the framework would add it again as `x-request-id`.
   */
  protected context() {
    return {}
  }
}
