import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import blogConfig from '#config/blog'

/**
 * HTTP caching for public pages (home, blog). For anonymous visitors the
 * page is the same for everybody: `Cache-Control: public, max-age=…`, an
 * ETag hashed from the body, and 304 Not Modified to a browser that already
 * has it (If-None-Match, and If-Modified-Since against the Last-Modified a
 * controller sets). A logged-in user's page shows them in the navbar, and a
 * page with a flash message is one visitor's: `private, no-store`, never
 * kept by a shared cache. `Vary: Cookie` stops a browser from showing its
 * anonymous copy once its user has logged in.
 */
export default class HttpCacheMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    await next()

    const { request, response } = ctx
    if (!['GET', 'HEAD'].includes(request.method()) || response.getStatus() !== 200) return
    const body = response.getBody()
    if (typeof body !== 'string') return

    response.header('Vary', 'Cookie')
    if (ctx.auth.user || hasFlashMessages(ctx)) {
      response.header('Cache-Control', 'private, no-store')
      response.removeHeader('Last-Modified')
      return
    }
    response.header('Cache-Control', `public, max-age=${blogConfig.publicMaxAge}`)
    // The ETag is computed from the final body, and a fresh request is
    // answered 304 without it, when the response is written.
    response.send(body, true)
  }
}

function hasFlashMessages(ctx: HttpContext) {
  return Object.keys(ctx.session.flashMessages.all()).length > 0
}
