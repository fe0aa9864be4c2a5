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
