import { Job } from '@rlanz/bull-queue'
import { flushPostViews } from '#services/blog/post_views'
import type { JobName } from '#start/jobs'

/**
 * Moves article views counted in Redis into posts.views_count. Repeated by
 * a BullMQ job scheduler every POST_VIEWS_FLUSH_INTERVAL; safe to run twice
 * or after a crash (see app/services/blog/post_views.ts).
 */
export default class FlushPostViewsJob extends Job {
  static get $$filepath(): JobName {
    return 'flush_post_views'
  }

  async handle() {
    await flushPostViews()
  }

  async rescue() {}
}
