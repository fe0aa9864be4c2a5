import type Tenant from '#models/tenant'

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
}
