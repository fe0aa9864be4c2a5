/**
 * How often, at most, one kind of error writes a line after its first.
 */
const SUMMARY_EVERY_MS = 5000

/**
 * Kinds of error followed at once; past them, the rest share one count.
 */
const MOST_KINDS = 20

interface Window {
  since: number
  latest: unknown
  timer: NodeJS.Timeout
}

/**
 * Writes a stream of errors to the log without flooding it: the first of
 * each kind at once, then, while that kind keeps coming, one line every
 * SUMMARY_EVERY_MS with its latest error and how many came since the line
 * before (`repeated`). A kind is the error's name and message with its
 * numbers left out, so a new kind of failure in the middle of a flood
 * (BullMQ failing to schedule a job scheduler's next tick while Redis is
 * full) is written at once, not counted with the flood.
 *
 * A BullMQ worker emits an error each time fetching its next job fails,
 * and retries at once unless the failure is a lost connection: while Redis
 * refuses writes (out of memory under noeviction), each worker logged about
 * 2,000 error lines a second, 40 MB in 15 s, enough to fill a disk before
 * anyone read the first one (the fleet test's `fill-redis` fault).
 */
export class RepeatedErrors {
  #windows = new Map<string, Window>()

  constructor(private write: (error: unknown, repeated: number) => void) {}

  report(error: unknown) {
    let kind = kindOf(error)
    // A kind already followed keeps its own window past the limit.
    if (!this.#windows.has(kind) && this.#windows.size >= MOST_KINDS) kind = 'other'
    const open = this.#windows.get(kind)
    if (open) {
      open.since++
      open.latest = error
      return
    }
    this.write(error, 0)
    this.#open(kind)
  }

  /**
   * Writes what every window holds, before the process stops.
   */
  flush() {
    for (const kind of [...this.#windows.keys()]) this.#close(kind)
  }

  #open(kind: string) {
    // Not keeping the process alive for a log line; stop() flushes.
    const timer = setTimeout(() => {
      // Still coming: the next line waits for the next window.
      if (this.#close(kind)) this.#open(kind)
    }, SUMMARY_EVERY_MS).unref()
    this.#windows.set(kind, { since: 0, latest: undefined, timer })
  }

  /**
   * Ends a kind's window, writing its count; true when it had one.
   */
  #close(kind: string) {
    const window = this.#windows.get(kind)
    if (!window) return false
    clearTimeout(window.timer)
    this.#windows.delete(kind)
    if (window.since === 0) return false
    this.write(window.latest, window.since)
    return true
  }
}

function kindOf(error: unknown) {
  const { name, message } =
    error instanceof Error ? error : { name: 'Error', message: String(error) }
  return `${name}: ${message.replace(/\d+/g, '#').slice(0, 200)}`
}
