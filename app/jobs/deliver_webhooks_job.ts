import { Job } from '@rlanz/bull-queue'
import DrainWebhookEndpoint from '#actions/webhooks/drain_webhook_endpoint'
import type { JobName } from '#start/jobs'
import type { CausedPayload } from '#services/queue/dispatch'

export interface DeliverWebhooksPayload extends CausedPayload {
  endpointId: number
}

/**
 * Sends one endpoint's due webhook deliveries (a bounded number), on the
 * `webhooks` queue. At most one per endpoint exists at a time (its job id).
 */
export default class DeliverWebhooksJob extends Job {
  static get $$filepath(): JobName {
    return 'deliver_webhooks'
  }

  async handle({ endpointId }: DeliverWebhooksPayload) {
    await DrainWebhookEndpoint.handle(endpointId)
  }

  async rescue() {}
}
