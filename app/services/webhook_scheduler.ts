import queue from '@rlanz/bull-queue/services/main'
import webhooksConfig from '#config/webhooks'
import DispatchWebhooksJob from '#jobs/dispatch_webhooks_job'

/**
 * Makes sure the webhook dispatcher's tick exists in Redis. Every worker
 * listening on the `webhooks` queue calls it at start; BullMQ keeps one job
 * scheduler per id.
 */
export async function registerWebhookScheduler() {
  await queue.getOrSet(webhooksConfig.queue).upsertJobScheduler(
    'dispatch-webhooks',
    { every: webhooksConfig.scanInterval },
    {
      name: DispatchWebhooksJob.$$filepath,
      data: {},
      opts: { removeOnComplete: true, removeOnFail: 100 },
    }
  )
}
