import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * A response any cache may share (`Cache-Control: public`) leaves without
 * cookies: a shared cache storing one visitor's session cookie would hand
 * it to everybody. Runs outermost, after the session has been committed.
 * Such responses are only given to anonymous visitors whose session holds
 * nothing the page needs (see HttpCacheMiddleware), so not renewing the
 * cookie loses nothing.
 */
export default class PublicResponsesMiddleware {
  async handle({ response }: HttpContext, next: NextFn) {
    await next()
    if (response.headersSent) return // a static file, sent by the static server
    const cacheControl = response.getHeader('cache-control')
    if (typeof cacheControl === 'string' && /^public\b/.test(cacheControl)) {
      response.removeHeader('set-cookie')
    }
  }
}
