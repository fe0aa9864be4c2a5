import env from '#start/env'

/**
 * How the public API (/api/v1) behaves. The rate limit can be set from the
 * environment; tests lower it in place to reach 429 quickly.
 */
const apiConfig = {
  rateLimit: {
    /** Requests per window, per token (or per IP without one). */
    requests: env.get('API_RATE_LIMIT', 600),
    /** The window, in seconds. */
    windowSeconds: Math.max(1, Math.round((env.get('API_RATE_LIMIT_WINDOW') ?? 60_000) / 1000)),
  },

  idempotency: {
    /** How long a stored response answers a repeated Idempotency-Key. */
    ttlSeconds: 24 * 60 * 60,
    /** How long a crashed first request keeps its key locked. */
    lockSeconds: 60,
  },

  /** Items per `POST /clients/bulk`. */
  bulkMaxItems: 1000,

  /** Lists: `limit` default and maximum. */
  pageLimit: { default: 25, max: 100 },
}

export default apiConfig
