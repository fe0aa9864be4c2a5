import { AuthorizationResponse, BasePolicy } from '@adonisjs/bouncer'
import type User from '#models/user'
import { roleAtLeast, type WorkspaceRole } from '#teams/workspace_roles'

/**
 * Base class of every policy: the role and ownership helpers the
 * permission table in docs/product.md is written in. Staff roles
 * (`users.role`) and workspace roles (the membership's, for the workspace
 * the request acts in) are independent.
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
   * The user's role in the workspace the request acts in (set by the tenant
   * or API middleware), null outside one.
   */
  protected workspaceRole(user: User): WorkspaceRole | null {
    return user.currentMembership?.role ?? null
  }

  /**
   * Reads: every member, viewers included.
   */
  protected isMember(user: User) {
    return this.workspaceRole(user) !== null
  }

  /**
   * Clients, messages, mailings and the audience's tools.
   */
  protected canEdit(user: User) {
    return roleAtLeast(this.workspaceRole(user), 'editor')
  }

  /**
   * Members, settings, sending, tokens, webhooks, the audit log.
   */
  protected canAdminister(user: User) {
    return roleAtLeast(this.workspaceRole(user), 'admin')
  }

  protected isOwner(user: User) {
    return this.workspaceRole(user) === 'owner'
  }

  /**
   * Whether a record belongs to the workspace the user acts in.
   */
  protected ownsRecord(user: User, record: { tenantId: number }) {
    return (
      user.currentMembership !== undefined && record.tenantId === user.currentMembership.tenantId
    )
  }

  /**
   * A record of the workspace the user acts in, which their role lets them
   * change.
   */
  protected editsRecord(user: User, record: { tenantId: number }) {
    return this.canEdit(user) && this.ownsRecord(user, record)
  }

  /**
   * Editors and up; a member below is refused by role (403: they know the
   * workspace, so nothing is hidden from them). Another workspace's record
   * is refused as not found (false: the exception handler answers 404).
   */
  protected mayEdit(user: User, record?: { tenantId: number }) {
    if (record && !this.ownsRecord(user, record)) return false
    return this.canEdit(user) || roleRefusal('editor')
  }

  /**
   * Admins and owners, as mayEdit.
   */
  protected mayAdminister(user: User, record?: { tenantId: number }) {
    if (record && !this.ownsRecord(user, record)) return false
    return this.canAdminister(user) || roleRefusal('admin')
  }

  /**
   * Owners only, as mayEdit.
   */
  protected mayOwn(user: User, record?: { tenantId: number }) {
    if (record && !this.ownsRecord(user, record)) return false
    return this.isOwner(user) || roleRefusal('owner')
  }
}

/**
 * A member's role is too weak for what they asked: answered 403 (see
 * app/exceptions/handler.ts), unlike every other refusal, which is a 404.
 */
export function roleRefusal(least: WorkspaceRole) {
  return AuthorizationResponse.deny(
    `This needs the ${least} role (or higher) in this workspace. Ask one of its admins.`,
    403
  )
}

export function isRoleRefusal(response: AuthorizationResponse) {
  return response.status === 403
}
