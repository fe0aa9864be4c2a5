import type { DateTime } from 'luxon'
import queue from '@rlanz/bull-queue/services/main'
import { dispatch } from '#services/queue/dispatch'
import sendingConfig from '#config/sending'
import StartDueRunsJob from '#jobs/start_due_runs_job'

export const SENDING_SCHEDULER_IDS = ['start-due-runs']

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
      name: StartDueRunsJob.$$filepath,
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
  await dispatch(StartDueRunsJob, undefined, {
    delay: Math.max(0, dueAt - Date.now()),
    jobId: `start-due-runs-at-${dueAt}`,
    removeOnComplete: true,
  })
}
