import type Tenant from '#models/tenant'

/**
 * The domains the workspace sends as or is proving, by name.
 */
export default class ListSendingDomains {
  static handle(tenant: Tenant) {
    return tenant.related('sendingDomains').query().orderBy('domain')
  }
}
