import type Tenant from '#models/tenant'
import { type KeysetPosition, newestFirstPage } from '#services/database/pagination'

/**
 * The API's list of webhook endpoints: newest first, by keyset.
 */
export default class ListWebhookEndpointsByKeyset {
  static handle(tenant: Tenant, position: KeysetPosition) {
    return newestFirstPage(tenant.related('webhookEndpoints').query(), position)
  }
}
