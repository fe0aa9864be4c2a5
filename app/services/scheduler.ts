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
 * Looks for due runs now instead of at the next tick (a mailing was just
 * created inside its window).
 */
export async function startDueRunsNow() {
  await queue.dispatch(StartDueRunsJob, undefined, { removeOnComplete: true })
}
