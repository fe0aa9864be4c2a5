import { dispatch } from '#services/queue/dispatch'
import type { WorkCause } from '#services/queue/work_context'
import type MailingRun from '#models/mailing_run'
import SendBatchJob from '#jobs/send_batch_job'
import CompleteRun from '#sending/complete_run'
import { batchPriority, batchRanges } from '#sending/batch_ranges'

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
    for (const [index, [fromId, toId]] of ranges.entries()) {
      const priority = batchPriority(index)
      await dispatch(SendBatchJob, { runId: run.id, fromId, toId, cause }, { priority })
    }
  }
}
