import queue from '@rlanz/bull-queue/services/main'
import webhooksConfig from '#config/webhooks'
import DispatchWebhooksJob from '#jobs/dispatch_webhooks_job'
import PruneWebhooksJob from '#jobs/prune_webhooks_job'

/**
 * The webhook dispatcher's tick, and the hourly pruning of old messages.
 */
const SCHEDULES = [
  { id: 'dispatch-webhooks', every: webhooksConfig.scanInterval, job: DispatchWebhooksJob },
  { id: 'prune-webhooks', every: 3600 * 1000, job: PruneWebhooksJob },
]

export const WEBHOOK_SCHEDULER_IDS = SCHEDULES.map(({ id }) => id)

/**
 * Makes sure these schedulers exist in Redis. Every worker listening on the
 * `webhooks` queue calls it at start (and again when Redis has lost them);
 * BullMQ keeps one job scheduler per id.
 */
export async function registerWebhookScheduler() {
  for (const { id, every, job } of SCHEDULES) {
    await queue
      .getOrSet(webhooksConfig.queue)
      .upsertJobScheduler(
        id,
        { every },
        { name: job.$$filepath, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } }
      )
  }
}
