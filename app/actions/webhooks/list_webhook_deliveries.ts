import type WebhookEndpoint from '#models/webhook_endpoint'
import type { WebhookDeliveryStatus } from '#models/webhook_delivery'
import { newestFirstPage } from '#services/database/pagination'

export interface ListWebhookDeliveriesParams {
  endpoint: WebhookEndpoint
  status?: WebhookDeliveryStatus
  /** The `nextCursor` of the previous page: older deliveries than it. */
  after?: number
  perPage?: number
}

/**
 * An endpoint's deliveries, newest first, each with its message and its
 * attempts (oldest first), a page at a time.
 */
export default class ListWebhookDeliveries {
  static async handle({ endpoint, status, after, perPage = 25 }: ListWebhookDeliveriesParams) {
    const query = endpoint
      .related('deliveries')
      .query()
      .withScopes((scopes) => scopes.withLog())
    if (status) query.where('status', status)

    const page = await newestFirstPage(query, { after, perPage })
    return { deliveries: page.items, nextCursor: page.nextCursor }
  }
}
