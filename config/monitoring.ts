import env from '#start/env'

/**
 * Health probes and Prometheus metrics (README, "Health and metrics").
 */
const monitoringConfig = {
  /**
   * Unlocks the full health report (each check's message and details) on
   * /health/live and /health/ready. Without it they answer only the status
   * of each check, which is safe to expose.
   */
  healthToken: env.get('HEALTH_TOKEN'),

  /**
   * Required to read /metrics. Unset: /metrics does not exist (404).
   */
  metricsToken: env.get('METRICS_TOKEN'),

  /**
   * The port a worker serves /health/live, /health/ready and /metrics on
   * (`node ace queue:listen --http-port` wins). Unset: no HTTP server.
   */
  workerHttpPort: env.get('WORKER_HTTP_PORT'),

  /**
   * The longest one readiness check may take before it counts as failed.
   */
  checkTimeout: env.get('HEALTH_CHECK_TIMEOUT') ?? 2000,
}

export default monitoringConfig
