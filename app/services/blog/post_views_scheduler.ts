import queue from '@rlanz/bull-queue/services/main'
import blogConfig from '#config/blog'
import FlushPostViewsJob from '#jobs/flush_post_views_job'

export const POST_VIEWS_SCHEDULER_IDS = ['flush-post-views']

/**
 * Article views counted in Redis reach the database every
 * POST_VIEWS_FLUSH_INTERVAL. Every worker on the `default` queue calls it
 * at start; BullMQ keeps one job scheduler per id.
 */
export async function registerPostViewsScheduler() {
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
