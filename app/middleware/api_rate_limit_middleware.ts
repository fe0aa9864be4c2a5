import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { errors as limiterErrors } from '@adonisjs/limiter'
import type { LimiterResponse } from '@adonisjs/limiter'
import { apiLimiter, apiRateLimitKey } from '#start/limiter'
import apiConfig from '#config/api'
import { ApiProblem } from '#api/problem'

/**
 * Counts the request against its token's bucket (its IP's without a valid
 * token) and puts the limit and what remains on every response, errors and
 * 429s included: `RateLimit-Policy` and `RateLimit` per the IETF draft
 * (draft-ietf-httpapi-ratelimit-headers), and the older `X-RateLimit-*`.
 */
export default class ApiRateLimitMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    // A bad token is not an error yet: it is counted by IP, and answered
    // 401 by the auth middleware that follows.
    await ctx.auth.use('api').check()

    try {
      const usage = await apiLimiter().consume(apiRateLimitKey(ctx))
      setRateLimitHeaders(ctx, usage)
    } catch (error) {
      if (!(error instanceof limiterErrors.E_TOO_MANY_REQUESTS)) throw error
      setRateLimitHeaders(ctx, error.response)
      throw new ApiProblem('rate-limited', 'The rate limit of this token is used up.', {
        'Retry-After': Math.max(1, error.response.availableIn),
      })
    }
    return next()
  }
}

function setRateLimitHeaders(ctx: HttpContext, usage: LimiterResponse) {
  const { windowSeconds } = apiConfig.rateLimit
  const remaining = Math.max(0, usage.remaining)
  ctx.response.header('RateLimit-Policy', `"default";q=${usage.limit};w=${windowSeconds}`)
  ctx.response.header('RateLimit', `"default";r=${remaining};t=${usage.availableIn}`)
  ctx.response.header('X-RateLimit-Limit', usage.limit)
  ctx.response.header('X-RateLimit-Remaining', remaining)
}
