import type User from '#models/user'
import type Tenant from '#models/tenant'
import AppPolicy from '#policies/app_policy'

export default class WorkspacePolicy extends AppPolicy {
  view(user: User, tenant: Tenant) {
    return user.tenantId === tenant.id
  }

  update(user: User, tenant: Tenant) {
    return user.tenantId === tenant.id
  }
}
