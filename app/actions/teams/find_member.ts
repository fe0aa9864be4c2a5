import type Membership from '#models/membership'
import type Tenant from '#models/tenant'

/**
 * A member of the workspace by membership id, with their account (the
 * pages name them by address); another workspace's id is not found (404).
 */
export default class FindMember {
  static handle(tenant: Tenant, id: number | string): Promise<Membership> {
    return tenant.related('memberships').query().where('id', id).preload('user').firstOrFail()
  }
}
