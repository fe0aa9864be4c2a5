import type User from '#models/user'
import type Tenant from '#models/tenant'
import type Membership from '#models/membership'
import AppPolicy from '#policies/app_policy'

/**
 * The workspace itself: its settings, members and life. Always about the
 * workspace the request acts in. A role too weak is a 403 with the role it
 * needs (roleRefusal); another workspace's member is a 404.
 */
export default class WorkspacePolicy extends AppPolicy {
  view(user: User, tenant: Tenant) {
    return this.#actsIn(user, tenant)
  }

  /**
   * Settings, sending, the workspace's SMTP server.
   */
  update(user: User, tenant: Tenant) {
    return this.#actsIn(user, tenant) && this.mayAdminister(user)
  }

  /**
   * The member list, invitations, and the API tokens of every member.
   */
  manageMembers(user: User, tenant: Tenant) {
    return this.#actsIn(user, tenant) && this.mayAdminister(user)
  }

  /**
   * Changing a member's role or removing them: admins manage everyone but
   * owners; only an owner touches an owner or makes one.
   */
  changeMember(user: User, member: Membership, newRole?: Membership['role']) {
    if (member.role === 'owner' || newRole === 'owner') return this.mayOwn(user, member)
    return this.mayAdminister(user, member)
  }

  viewAuditLog(user: User, tenant: Tenant) {
    return this.#actsIn(user, tenant) && this.mayAdminister(user)
  }

  /**
   * Deleting the workspace and handing it over are the owners'.
   */
  delete(user: User, tenant: Tenant) {
    return this.#actsIn(user, tenant) && this.mayOwn(user)
  }

  transferOwnership(user: User, tenant: Tenant) {
    return this.#actsIn(user, tenant) && this.mayOwn(user)
  }

  #actsIn(user: User, tenant: Tenant) {
    return user.currentMembership?.tenantId === tenant.id
  }
}
