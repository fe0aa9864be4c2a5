import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { isApiRequest } from '#api/request'

/**
 * The API authenticates with bearer tokens and never reads a session, but
 * the session middleware starts one for every routed request and Shield's
 * CSRF guard stores its secret in it: each API call without a cookie would
 * write a session to Redis (a key per call, kept for the session's idle
 * lifetime), so an integration polling the API would fill Redis with them.
 *
 * A session the API request started itself is emptied before it is
 * committed, and an empty session is not written. A request that came with
 * a session cookie keeps its session as it was: emptying it would log that
 * browser out and change its CSRF secret.
 */
export default class ApiWithoutSessionMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const output = await next()
    if (isApiRequest(ctx) && ctx.session.fresh) ctx.session.clear()
    return output
  }
}
