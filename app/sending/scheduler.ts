import type { DateTime } from 'luxon'
import queue from '@rlanz/bull-queue/services/main'
import sendingConfig from '#config/sending'
import StartDueRunsJob from '#jobs/start_due_runs_job'
import FlushPostViewsJob from '#jobs/flush_post_views_job'
import blogConfig from '#config/blog'

/**
 * Makes sure the scheduler tick exists in Redis. Every worker calls it at
 * start; BullMQ keeps one job scheduler per id, so many workers still make
 * one tick (and StartRun would absorb a double one anyway).
 */
export const SCHEDULER_IDS = ['start-due-runs', 'flush-post-views']

export async function registerScheduler() {
  await queue.getOrSet('default').upsertJobScheduler(
    'start-due-runs',
    { every: sendingConfig.schedulerInterval },
    {
      name: StartDueRunsJob.$$filepath,
      data: {},
      opts: { removeOnComplete: true, removeOnFail: 100 },
    }
  )
  await registerPostViewsFlush()
}

/**
 * Article views counted in Redis reach the database every
 * POST_VIEWS_FLUSH_INTERVAL.
 */
async function registerPostViewsFlush() {
  await queue.getOrSet('default').upsertJobScheduler(
    'flush-post-views',
    { every: blogConfig.viewsFlushInterval },
    {
      name: FlushPostViewsJob.$$filepath,
      data: {},
      opts: { removeOnComplete: true, removeOnFail: 100, attempts: 3 },
    }
  )
}

/**
 * Registers a queue's job schedulers again when Redis has lost any of them
 * (a restart without persistence, a failover, a flush): they live in Redis
 * only, and without them nothing starts runs or flushes views. Returns
 * whether it had to.
 */
export async function restoreSchedulers(
  queueName: string,
  ids: string[],
  register: () => Promise<void>
) {
  const bullQueue = queue.getOrSet(queueName)
  const found = await Promise.all(ids.map((id) => bullQueue.getJobScheduler(id)))
  if (found.every(Boolean)) return false
  await register()
  return true
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
  await queue.dispatch(StartDueRunsJob, undefined, {
    delay: Math.max(0, dueAt - Date.now()),
    jobId: `start-due-runs-at-${dueAt}`,
    removeOnComplete: true,
  })
}
