import type { HttpContext } from '@adonisjs/core/http'

export const API_PREFIX = '/api/v1'

/**
 * Whether a request is for the API (errors then answer as problem details,
 * CSRF does not apply): anything under /api, matched route or not.
 */
export function isApiRequest(ctx: HttpContext) {
  const url = ctx.request.url()
  return url === '/api' || url.startsWith('/api/')
}
