import { Job } from '@rlanz/bull-queue'
import PruneWebhookMessages from '#actions/webhooks/prune_webhook_messages'
import type { JobName } from '#start/jobs'

/**
 * Hourly: forgets webhook messages past WEBHOOK_RETENTION_DAYS.
 */
export default class PruneWebhooksJob extends Job {
  static get $$filepath(): JobName {
    return 'prune_webhooks'
  }

  async handle() {
    await PruneWebhookMessages.handle()
  }

  async rescue() {}
}
