import { Job } from '@rlanz/bull-queue'
import DispatchDueWebhooks from '#actions/webhooks/dispatch_due_webhooks'
import type { JobName } from '#start/jobs'
import type { CausedPayload } from '#services/queue/dispatch'

/**
 * The webhook dispatcher's tick, repeated every WEBHOOK_SCAN_INTERVAL by a
 * BullMQ job scheduler on the `webhooks` queue.
 */
export default class DispatchWebhooksJob extends Job {
  static get $$filepath(): JobName {
    return 'dispatch_webhooks'
  }

  async handle(payload?: CausedPayload) {
    await DispatchDueWebhooks.handle(payload?.cause)
  }

  async rescue() {}
}
