import env from '#start/env'

/**
 * How the sending engine behaves. Every value can be set from the
 * environment; the defaults suit one small SMTP relay.
 */
const sendingConfig = {
  /**
   * Deliveries per queued batch job.
   */
  batchSize: env.get('SEND_BATCH_SIZE', 200),

  /**
   * Pooled SMTP connections per worker process.
   */
  poolSize: env.get('SMTP_POOL_SIZE', 5),

  /**
   * Tries per delivery for transient failures (4xx, refused or dropped
   * connections, timeouts) before it is failed for good.
   */
  maxAttempts: env.get('SEND_MAX_ATTEMPTS', 4),

  /**
   * First retry delay; each next one doubles, with ±20 % jitter.
   */
  retryDelay: env.get('SEND_RETRY_DELAY') ?? 30_000,

  /**
   * Failed deliveries after which a run pauses itself (listmonk's
   * max_send_errors). 0 turns the threshold off.
   */
  maxSendErrors: env.get('SEND_MAX_ERRORS', 1000),

  /**
   * Consecutive transient failures after which a batch stops hammering the
   * server and comes back later.
   */
  consecutiveFailuresBackoff: 5,

  /**
   * Messages per second, for the whole platform and per workspace. 0 means
   * no limit.
   */
  globalRate: env.get('SEND_RATE', 0),
  workspaceRate: env.get('SEND_RATE_PER_WORKSPACE', 0),

  /**
   * A run whose time passed longer ago than this (the scheduler was down)
   * is recorded as missed instead of being sent late.
   */
  missedGrace: env.get('SEND_MISSED_GRACE') ?? 15 * 60_000,

  /**
   * A delivery marked "sending" for longer than this belongs to a worker
   * that died: it is queued again.
   */
  staleAfter: env.get('SEND_STALE_AFTER') ?? 2 * 60_000,

  /**
   * How often each worker checks, outside of Redis jobs, that Redis still
   * has the job schedulers and a batch job for every running run's due
   * work, and registers or queues again what it lost. A run stranded by a
   * Redis restart or flush sends again within about twice this. 0 turns
   * the check off.
   */
  reconcileInterval: env.get('SEND_RECONCILE_INTERVAL') ?? 30_000,

  /**
   * How often the scheduler looks for due runs.
   */
  schedulerInterval: env.get('SCHEDULER_INTERVAL') ?? 1000,
}

export default sendingConfig
export type SendingConfig = typeof sendingConfig
