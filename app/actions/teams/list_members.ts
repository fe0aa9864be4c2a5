import type Tenant from '#models/tenant'

/**
 * Everyone in the workspace with their account, in the order they joined
 * (Settings → Members).
 */
export default class ListMembers {
  static handle(tenant: Tenant) {
    return tenant.related('memberships').query().preload('user').orderBy('createdAt').orderBy('id')
  }
}
