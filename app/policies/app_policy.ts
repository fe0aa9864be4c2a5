import { BasePolicy } from '@adonisjs/bouncer'
import type User from '#models/user'

/**
 * Base class of every policy: the role and ownership helpers the
 * permission table in docs/product.md is written in.
 */
export default abstract class AppPolicy extends BasePolicy {
  protected isAdmin(user: User) {
    return user.role === 'admin'
  }

  protected isManager(user: User) {
    return user.role === 'manager'
  }

  protected isContentManager(user: User) {
    return user.role === 'content_manager'
  }

  /**
   * Managers and admins may look at (never change) other workspaces' mailings.
   */
  protected canOverseeMailings(user: User) {
    return this.isManager(user) || this.isAdmin(user)
  }

  protected isStaff(user: User) {
    return user.isStaff
  }

  /**
   * Whether a record belongs to the user's own workspace.
   */
  protected ownsRecord(user: User, record: { tenantId: number }) {
    return record.tenantId === user.tenantId
  }
}
