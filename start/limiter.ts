/*
|--------------------------------------------------------------------------
| Rate limits of the API
|--------------------------------------------------------------------------
|
| One bucket per access token (per IP for requests without a valid one),
| counted in Redis so every web process shares it.
|
*/

import limiter from '@adonisjs/limiter/services/main'
import type { HttpContext } from '@adonisjs/core/http'
import apiConfig from '#config/api'
import { networkKey } from '#services/http/client_networks'

/**
 * The API's limiter as configured now (tests lower the limit in place).
 */
export function apiLimiter() {
  const { requests, windowSeconds } = apiConfig.rateLimit
  return limiter.use({ requests, duration: windowSeconds })
}

/**
 * Whose bucket a request counts against. Called after the token (if any)
 * has been checked. The key names the policy too: a changed limit starts
 * fresh buckets rather than reading counts made under another window.
 */
export function apiRateLimitKey(ctx: HttpContext) {
  const { requests, windowSeconds } = apiConfig.rateLimit
  const token = ctx.auth.use('api').user?.currentAccessToken
  const who = token ? `token:${token.identifier}` : `ip:${networkKey(ctx.request.ip())}`
  return `api:${requests}/${windowSeconds}:${who}`
}
