/**
 * Raised when this worker process starts a graceful stop (SIGTERM/SIGINT).
 * Long jobs check it between two units of work and hand what is left back
 * to the queue, so a stop waits for one message, not a whole batch.
 */
const controller = new AbortController()

export const workerShutdown = controller.signal

export function beginWorkerShutdown() {
  controller.abort()
}

/**
 * How long closing may take after the running jobs' QUEUE_SHUTDOWN_TIMEOUT
 * (BullMQ's forced close, the reconciler, the HTTP server, the
 * connections) before the process ends anyway: a supervisor's stop timeout
 * (systemd's TimeoutStopSec, compose's stop_grace_period) must exceed both.
 */
export const CLOSING_GRACE_MS = 10_000
