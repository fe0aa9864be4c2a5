/**
 * How often, at most, a stream of errors writes a line after its first.
 */
const SUMMARY_EVERY_MS = 5000

/**
 * Writes a stream of errors to the log without flooding it: the first at
 * once, then, while they keep coming, one line every SUMMARY_EVERY_MS with
 * the latest error and how many came since the line before (`repeated`).
 *
 * A BullMQ worker emits an error each time fetching its next job fails,
 * and retries at once unless the failure is a lost connection: while Redis
 * refuses writes (out of memory under noeviction), each worker logged about
 * 2,000 error lines a second, 40 MB in 15 s, enough to fill a disk before
 * anyone read the first one (the fleet test's `fill-redis` fault).
 */
export class RepeatedErrors {
  #since = 0
  #latest?: unknown
  #window?: NodeJS.Timeout

  constructor(private write: (error: unknown, repeated: number) => void) {}

  report(error: unknown) {
    if (this.#window) {
      this.#since++
      this.#latest = error
      return
    }
    this.write(error, 0)
    this.#openWindow()
  }

  /**
   * Writes what the current window holds: before the process stops, or
   * when the window ends.
   */
  flush() {
    clearTimeout(this.#window)
    this.#window = undefined
    if (this.#since === 0) return false
    const [error, repeated] = [this.#latest, this.#since]
    this.#since = 0
    this.#latest = undefined
    this.write(error, repeated)
    return true
  }

  #openWindow() {
    // Not keeping the process alive for a log line; stop() flushes.
    this.#window = setTimeout(() => {
      // Still coming: the next line waits for the next window.
      if (this.flush()) this.#openWindow()
    }, SUMMARY_EVERY_MS).unref()
  }
}
