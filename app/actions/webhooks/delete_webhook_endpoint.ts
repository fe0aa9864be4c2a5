import type WebhookEndpoint from '#models/webhook_endpoint'
import { forgetSubscriptions } from '#services/webhooks/subscriptions'

/**
 * Deletes an endpoint with its deliveries and their attempts (cascade);
 * pending deliveries are never sent.
 */
export default class DeleteWebhookEndpoint {
  static async handle(endpoint: WebhookEndpoint) {
    await endpoint.delete()
    await forgetSubscriptions(endpoint.tenantId)
  }
}
