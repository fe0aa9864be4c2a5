import env from '#start/env'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/**
 * How outcome webhooks are delivered. Every value can be set from the
 * environment; the defaults follow the Standard Webhooks recommendations.
 */
const webhooksConfig = {
  /**
   * Delay before each attempt, the first one included (Standard Webhooks:
   * immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). Each delay but
   * the first gets ±20 % jitter so many failed deliveries do not retry at once.
   */
  retrySchedule: env.get('WEBHOOK_RETRY_SCHEDULE') ?? [
    0,
    5 * SECOND,
    5 * MINUTE,
    30 * MINUTE,
    2 * HOUR,
    5 * HOUR,
    10 * HOUR,
    10 * HOUR,
  ],
  jitter: 0.2,

  /**
   * How long one attempt may take, connection included.
   */
  timeout: env.get('WEBHOOK_TIMEOUT') ?? 15 * SECOND,

  /**
   * Addresses (IPs, CIDR ranges or host names) an endpoint may reach although
   * they are private, loopback or link-local: local receivers in tests and
   * self-hosted setups. Empty by default: nothing private is reachable.
   */
  allowedHosts: (env.get('WEBHOOK_ALLOWED_HOSTS') ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean),

  /**
   * How often the dispatcher looks for due deliveries.
   */
  scanInterval: env.get('WEBHOOK_SCAN_INTERVAL') ?? SECOND,

  /**
   * Deliveries one endpoint's drain job sends before it hands over, and how
   * many per second at most, so one busy endpoint cannot hold a worker.
   */
  batchSize: env.get('WEBHOOK_BATCH_SIZE', 50),
  ratePerEndpoint: env.get('WEBHOOK_RATE_PER_ENDPOINT', 20),

  /**
   * An endpoint that has only failed for this long is disabled and its
   * owner emailed.
   */
  disableAfterDays: env.get('WEBHOOK_DISABLE_AFTER_DAYS', 5),

  /**
   * Days webhook messages (with their deliveries and attempts) are kept.
   */
  retentionDays: env.get('WEBHOOK_RETENTION_DAYS', 30),

  /**
   * Bytes of the receiver's response kept per attempt.
   */
  excerptBytes: 1024,

  /**
   * The queue webhook jobs run on, apart from sending's `default`.
   */
  queue: 'webhooks',
}

export default webhooksConfig
