import limiter from '@adonisjs/limiter/services/main'
import { errors as limiterErrors } from '@adonisjs/limiter'

/**
 * What one workspace may do to its domains per window: adding one costs a
 * 2048-bit key pair (~100 ms of CPU), checking one four queries to the
 * operator's resolver. Enough for someone fixing their DNS, too few to turn
 * the buttons into a load generator.
 */
const LIMITS = {
  add: { requests: 10, duration: '1 hour', window: 'hour' },
  check: { requests: 30, duration: '10 mins', window: '10 minutes' },
} as const

export class DomainActionThrottledError extends Error {}

export async function consumeDomainAction(tenantId: number, action: keyof typeof LIMITS) {
  const { requests, duration, window } = LIMITS[action]
  try {
    await limiter
      .use({ requests, duration })
      .consume(`sending-domains:${action}:tenant:${tenantId}`)
  } catch (error) {
    if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
      const minutes = Math.max(1, Math.ceil(error.response.availableIn / 60))
      throw new DomainActionThrottledError(
        `Your workspace did this ${requests} times in the last ${window}. Please wait ${minutes} minute${minutes === 1 ? '' : 's'}.`
      )
    }
    throw error
  }
}
