import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import { ApiProblem } from '#api/problem'

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']

/**
 * The router answers a known API path asked with the wrong method (`DELETE
 * /api/v1/clients`) as it answers an unknown path: 404. That sends a client
 * looking for a typo in the path. RFC 9110 (§15.5.6) has 405 with `Allow`
 * for it, which also tells the client what would work. Returns that
 * problem, or null when the error is something else or no method fits.
 */
export function methodNotAllowed(error: unknown, ctx: HttpContext): ApiProblem | null {
  if ((error as { code?: unknown })?.code !== 'E_ROUTE_NOT_FOUND') return null
  const url = ctx.request.url()
  const asked = ctx.request.method()
  const allowed = METHODS.filter((method) => method !== asked && router.match(url, method))
  if (allowed.length === 0) return null
  return new ApiProblem('method-not-allowed', `${asked} is not allowed on ${url}.`, {
    Allow: allowed.join(', '),
  })
}
