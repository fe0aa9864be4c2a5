import type WebhookEndpoint from '#models/webhook_endpoint'
import RecordWebhookEvent from '#actions/webhooks/record_webhook_event'

/**
 * Queues a `webhook.test` message for one endpoint, so its owner can check
 * their receiver verifies signatures before real events arrive. It goes
 * through the outbox like any event (signed, retried, logged).
 */
export default class SendTestWebhook {
  static async handle(endpoint: WebhookEndpoint) {
    return RecordWebhookEvent.handle({
      tenantId: endpoint.tenantId,
      type: 'webhook.test',
      endpointIds: [endpoint.id],
      data: {
        endpoint_id: endpoint.id,
        message: 'A test event from Mailings: your receiver verified its signature.',
      },
    })
  }
}
