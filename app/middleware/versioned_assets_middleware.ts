import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Files under public/ linked with a content hash (`asset()` in
 * start/view.ts adds `?v=<hash>`) never change at that URL: browsers and
 * shared caches may keep them for a year without asking again. The static
 * server copies this header onto the file it sends; the same files asked
 * for without a version get config/static.ts's short caching.
 */
export default class VersionedAssetsMiddleware {
  async handle({ request, response }: HttpContext, next: NextFn) {
    if (request.method() === 'GET' && request.qs().v && /\.\w+$/.test(request.url())) {
      response.header('Cache-Control', 'public, max-age=31536000, immutable')
    }
    return next()
  }
}
