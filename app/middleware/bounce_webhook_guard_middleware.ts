import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import limiter from '@adonisjs/limiter/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'
import bouncesConfig from '#config/bounces'
import { networkKey } from '#services/http/client_networks'

export const BOUNCE_WEBHOOKS_PATH = '/webhooks/bounces/'

/**
 * The provider bounce webhooks' outer guard, a server middleware (before
 * the router's body parser reads anything): a body declared larger than
 * the bound is refused with 413 unread, and each client network gets
 * BOUNCE_WEBHOOK_RATE_LIMIT requests a minute (429 beyond). Signatures are
 * checked by the controller, which needs the body.
 */
export default class BounceWebhookGuardMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (!ctx.request.url().startsWith(BOUNCE_WEBHOOKS_PATH)) return next()
    const { maxBodyBytes, ratePerMinute } = bouncesConfig.webhooks

    const declared = Number(ctx.request.header('content-length') ?? 0)
    if (declared > maxBodyBytes) {
      ctx.response.header('Connection', 'close')
      return ctx.response
        .status(413)
        .send({ error: `Bodies over ${maxBodyBytes} bytes are refused` })
    }
    try {
      await limiter
        .use({ requests: ratePerMinute, duration: '1 minute' })
        .consume(`bounce-webhooks:${networkKey(ctx.request.ip())}`)
    } catch (error) {
      if (!(error instanceof limiterErrors.E_TOO_MANY_REQUESTS)) throw error
      ctx.response.header('Retry-After', Math.max(1, error.response.availableIn))
      return ctx.response.status(429).send({ error: 'Too many requests' })
    }
    return next()
  }
}
