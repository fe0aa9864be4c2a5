import { performance } from 'node:perf_hooks'
import { runMaySend } from '#sending/delivery_claims'

/**
 * How often a batch looks again whether its run may still send (paused,
 * disabled, archived, owner blocked): it stops within this much time, and
 * after every message when messages are slower than that.
 */
const LIVENESS_INTERVAL_MS = 250

/**
 * Whether a run may still send, asked of the database at most every
 * LIVENESS_INTERVAL_MS rather than before every message, which would add a
 * query to each (the claim checked it when the slice was taken).
 */
export default class LivenessCheck {
  #checkedAt = performance.now()

  constructor(private runId: number) {}

  async runMaySend() {
    if (performance.now() - this.#checkedAt < LIVENESS_INTERVAL_MS) return true
    this.#checkedAt = performance.now()
    return runMaySend(this.runId)
  }
}
