import type Tenant from '#models/tenant'
import { type KeysetPosition, newestFirstPage } from '#services/database/pagination'

/**
 * The workspace's webhook endpoints.
 */
export default class ListWebhookEndpoints {
  /**
   * All of them, oldest first: a workspace has a handful.
   */
  static handle(tenant: Tenant) {
    return tenant.related('webhookEndpoints').query().orderBy('id')
  }

  /**
   * The API's list: newest first, by keyset.
   */
  static newestFirst(tenant: Tenant, position: KeysetPosition) {
    return newestFirstPage(tenant.related('webhookEndpoints').query(), position)
  }
}
