import type WebhookEndpoint from '#models/webhook_endpoint'
import type { WebhookDeliveryStatus } from '#models/webhook_delivery'

export interface ListWebhookDeliveriesParams {
  endpoint: WebhookEndpoint
  status?: WebhookDeliveryStatus
  /**
   * Keyset cursor: deliveries with a smaller id (older) than this.
   */
  before?: number
  limit?: number
}

/**
 * An endpoint's deliveries, newest first, each with its message and its
 * attempts (oldest first), a page at a time.
 */
export default class ListWebhookDeliveries {
  static async handle({ endpoint, status, before, limit = 25 }: ListWebhookDeliveriesParams) {
    const query = endpoint
      .related('deliveries')
      .query()
      .withScopes((scopes) => scopes.withLog())
      .orderBy('id', 'desc')
      .limit(limit + 1)
    if (status) query.where('status', status)
    if (before) query.where('id', '<', before)

    const rows = await query
    const deliveries = rows.slice(0, limit)
    return {
      deliveries,
      nextBefore: rows.length > limit ? deliveries[deliveries.length - 1].id : null,
    }
  }
}
