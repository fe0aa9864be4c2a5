import type User from '#models/user'
import AppPolicy from '#policies/app_policy'

/**
 * Which parts of the admin panel a staff member sees (docs/product.md's roles
 * table). What they may do with one mailing or user is MailingPolicy's and
 * UserPolicy's to say.
 */
export default class AdminPanelPolicy extends AppPolicy {
  view(user: User) {
    return this.isStaff(user)
  }

  /**
   * All workspaces' mailings, to oversee and disable.
   */
  viewMailings(user: User) {
    return this.canOverseeMailings(user)
  }

  viewUsers(user: User) {
    return this.canOverseeMailings(user)
  }

  viewAuditLog(user: User) {
    return this.isAdmin(user)
  }
}
