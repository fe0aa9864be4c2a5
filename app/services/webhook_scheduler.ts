import queue from '@rlanz/bull-queue/services/main'
import webhooksConfig from '#config/webhooks'
import DispatchWebhooksJob from '#jobs/dispatch_webhooks_job'
import PruneWebhooksJob from '#jobs/prune_webhooks_job'

/**
 * Makes sure the webhook dispatcher's tick, and the hourly pruning of old
 * messages, exist in Redis. Every worker listening on the `webhooks` queue
 * calls it at start; BullMQ keeps one job scheduler per id.
 */
export async function registerWebhookScheduler() {
  const schedules = [
    { id: 'dispatch-webhooks', every: webhooksConfig.scanInterval, job: DispatchWebhooksJob },
    { id: 'prune-webhooks', every: 3600 * 1000, job: PruneWebhooksJob },
  ]
  for (const { id, every, job } of schedules) {
    await queue
      .getOrSet(webhooksConfig.queue)
      .upsertJobScheduler(
        id,
        { every },
        { name: job.$$filepath, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } }
      )
  }
}
