import type WebhookEndpoint from '#models/webhook_endpoint'
import { newSecret } from '#services/webhooks/signing'

/**
 * Replaces an endpoint's secret: every attempt from now on, retries of
 * older messages included, is signed with the new one.
 */
export default class RotateWebhookSecret {
  static async handle(endpoint: WebhookEndpoint) {
    endpoint.secret = newSecret()
    await endpoint.save()
    return endpoint.secret
  }
}
