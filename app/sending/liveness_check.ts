import { performance } from 'node:perf_hooks'
import { runMaySend } from '#sending/delivery_claims'

/**
 * How often a batch looks again whether its run may still send (paused,
 * disabled, archived, owner blocked): it stops within this much time, and
 * after every message when messages are slower than that.
 */
const LIVENESS_INTERVAL_MS = 250

/**
 * The last answer asked of the database for each run, shared by the
 * batches of that run this process works on at once (a worker runs several):
 * one query per run and interval instead of one per batch.
 */
const recentAnswers = new Map<number, { askedAt: number; answer: Promise<boolean> }>()

/**
 * Whether a run may still send, asked of the database at most every
 * LIVENESS_INTERVAL_MS rather than before every message, which would add a
 * query to each (the claim checked it when the slice was taken). An answer
 * is never older than that interval, whichever batch asked for it.
 */
export default class LivenessCheck {
  #checkedAt = performance.now()

  constructor(private runId: number) {}

  async runMaySend() {
    const now = performance.now()
    if (now - this.#checkedAt < LIVENESS_INTERVAL_MS) return true
    let recent = recentAnswers.get(this.runId)
    if (!recent || now - recent.askedAt >= LIVENESS_INTERVAL_MS) {
      recent = { askedAt: now, answer: runMaySend(this.runId) }
      recentAnswers.set(this.runId, recent)
      forgetOldAnswers(now)
      // A failed query is not shared: the next batch to ask asks again.
      const asked = recent
      asked.answer.catch(() => {
        if (recentAnswers.get(this.runId) === asked) recentAnswers.delete(this.runId)
      })
    }
    this.#checkedAt = recent.askedAt
    return recent.answer
  }
}

/**
 * Runs that finished long ago leave no answer behind.
 */
function forgetOldAnswers(now: number) {
  for (const [runId, { askedAt }] of recentAnswers) {
    if (now - askedAt > 10 * LIVENESS_INTERVAL_MS) recentAnswers.delete(runId)
  }
}
