import type WebhookEndpoint from '#models/webhook_endpoint'
import type { WebhookEndpointChanges } from '#validators/webhook'
import { forgetSubscriptions } from '#services/webhooks/subscriptions'

/**
 * Saves an endpoint's URL, description, events and state; what `data`
 * leaves out stays as it is (a PATCH). Enabling it again, or pointing it
 * elsewhere, forgets why it was disabled and its failing streak, so it gets
 * a fresh start.
 */
export default class UpdateWebhookEndpoint {
  static async handle({
    endpoint,
    data,
  }: {
    endpoint: WebhookEndpoint
    data: WebhookEndpointChanges
  }) {
    const reenabled = data.enabled === true && !endpoint.enabled
    const moved = data.url !== undefined && data.url !== endpoint.url
    endpoint.merge(definedOnly(data))
    if (reenabled) endpoint.disabledReason = null
    if (reenabled || moved) endpoint.failingSince = null
    await endpoint.save()
    await forgetSubscriptions(endpoint.tenantId)
    return endpoint
  }
}

function definedOnly<T extends object>(data: T) {
  return Object.fromEntries(
    Object.entries(data).filter(([, value]) => value !== undefined)
  ) as Partial<T>
}
