import type { DateTime } from 'luxon'
import queue from '@rlanz/bull-queue/services/main'
import { dispatch } from '#services/queue/dispatch'
import sendingConfig from '#config/sending'
import type { JobName } from '#start/jobs'

export const SENDING_SCHEDULER_IDS = ['start-due-runs']

/**
 * StartDueRunsJob, by its registry name: the job starts runs (StartDueRuns
 * → StartRun) and StartRun wakes this scheduler for the next occurrence, so
 * the engine's files would import each other in a loop if this one
 * imported the job's class.
 */
const START_DUE_RUNS: JobName = 'start_due_runs'

/**
 * Makes sure the scheduler tick exists in Redis. Every worker calls it at
 * start; BullMQ keeps one job scheduler per id, so many workers still make
 * one tick (and StartRun would absorb a double one anyway).
 */
export async function registerSendingScheduler() {
  await queue.getOrSet('default').upsertJobScheduler(
    'start-due-runs',
    { every: sendingConfig.schedulerInterval },
    {
      name: START_DUE_RUNS,
      data: {},
      opts: { removeOnComplete: true, removeOnFail: 100 },
    }
  )
}

/**
 * Wakes the scheduler when a mailing's next run is due: at once when that
 * time has come, otherwise with a job delayed until exactly then, so the
 * first message leaves right at `start_at` instead of at the next tick
 * (which stays as the safety net). One job per due time however many
 * mailings share it; starting runs is idempotent anyway.
 */
export async function wakeSchedulerFor(nextRunAt: DateTime | null) {
  if (!nextRunAt) return
  const dueAt = nextRunAt.toMillis()
  await dispatch(START_DUE_RUNS, undefined, {
    delay: Math.max(0, dueAt - Date.now()),
    jobId: `start-due-runs-at-${dueAt}`,
    removeOnComplete: true,
  })
}
