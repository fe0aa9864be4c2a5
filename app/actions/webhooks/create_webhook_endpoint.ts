import type Tenant from '#models/tenant'
import WebhookEndpoint from '#models/webhook_endpoint'
import type { WebhookEndpointData } from '#validators/webhook'
import { newSecret } from '#services/webhooks/signing'
import { forgetSubscriptions } from '#services/webhooks/subscriptions'

/**
 * A new endpoint with a fresh `whsec_` secret; it hears about the next
 * event of the types it chose.
 */
export default class CreateWebhookEndpoint {
  static async handle({ tenant, data }: { tenant: Tenant; data: WebhookEndpointData }) {
    const endpoint = await WebhookEndpoint.create({
      tenantId: tenant.id,
      url: data.url,
      description: data.description ?? null,
      events: data.events,
      enabled: data.enabled ?? true,
      secret: newSecret(),
    })
    await forgetSubscriptions(tenant.id)
    return endpoint
  }
}
