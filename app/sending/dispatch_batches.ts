import { dispatch } from '#services/queue/dispatch'
import type { WorkCause } from '#services/queue/work_context'
import type MailingRun from '#models/mailing_run'
import SendBatchJob from '#jobs/send_batch_job'
import CompleteRun from '#sending/complete_run'
import { batchPriority, batchRanges } from '#sending/batch_ranges'

const DISPATCHED_AT_ONCE = 100

/**
 * Queues a run's unsent deliveries in id ranges of `batchSize`: when it
 * starts, and when it may send again (resumed, enabled, its owner
 * unblocked). A batch may run twice (a second dispatch, a retry, a
 * restarted worker): each delivery is claimed before it is sent, so none is
 * sent twice. A run with nothing left to send is completed here.
 */
export default class DispatchBatches {
  static async handle(run: MailingRun, cause?: WorkCause) {
    const ranges = await batchRanges(run.id)
    if (ranges.length === 0) {
      await CompleteRun.handle(run.id)
      return
    }
    // Many at a time: one Redis round trip after another was most of the
    // time a million-recipient run took to queue its 2,000 batches.
    for (let first = 0; first < ranges.length; first += DISPATCHED_AT_ONCE) {
      await Promise.all(
        ranges.slice(first, first + DISPATCHED_AT_ONCE).map(([fromId, toId], offset) => {
          const priority = batchPriority(first + offset)
          return dispatch(SendBatchJob, { runId: run.id, fromId, toId, cause }, { priority })
        })
      )
    }
  }
}
