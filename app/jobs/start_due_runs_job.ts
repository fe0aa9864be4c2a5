import { DateTime } from 'luxon'
import { Job } from '@rlanz/bull-queue'
import StartDueRuns from '#sending/start_due_runs'
import type { JobName } from '#start/jobs'
import type { CausedPayload } from '#services/queue/dispatch'

/**
 * The scheduler: repeated every SCHEDULER_INTERVAL by a BullMQ job scheduler
 * that each worker registers (idempotently) when it starts, and queued for
 * the exact instant a mailing is due by wakeSchedulerFor (app/sending/
 * scheduler.ts).
 */
export default class StartDueRunsJob extends Job {
  static get $$filepath(): JobName {
    return 'start_due_runs'
  }

  async handle(payload?: CausedPayload) {
    // The runs it starts have their batches queued under the tick's id.
    await StartDueRuns.handle(DateTime.now(), { cause: payload?.cause })
  }

  async rescue() {}
}
