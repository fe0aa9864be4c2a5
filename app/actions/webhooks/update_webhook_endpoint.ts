import type WebhookEndpoint from '#models/webhook_endpoint'
import type { WebhookEndpointData } from '#validators/webhook'
import { forgetSubscriptions } from '#services/webhook_subscriptions'

/**
 * Saves an endpoint's URL, events and state. Enabling it again (or
 * pointing it elsewhere) forgets why it was disabled and its failing
 * streak, so it gets a fresh start.
 */
export default class UpdateWebhookEndpoint {
  static async handle({
    endpoint,
    data,
  }: {
    endpoint: WebhookEndpoint
    data: WebhookEndpointData
  }) {
    const enabled = data.enabled ?? false
    const freshStart = (enabled && !endpoint.enabled) || data.url !== endpoint.url
    endpoint.merge({
      url: data.url,
      description: data.description ?? null,
      events: data.events,
      enabled,
    })
    if (enabled) endpoint.disabledReason = null
    if (freshStart) endpoint.failingSince = null
    await endpoint.save()
    await forgetSubscriptions(endpoint.tenantId)
    return endpoint
  }
}
