import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import WorkspacePolicy from '#policies/workspace_policy'
import InviteMember, {
  PendingInvitationError,
  INVITATIONS_PER_ADDRESS_PER_DAY,
} from '#actions/teams/invite_member'
import RevokeInvitation from '#actions/teams/revoke_invitation'
import ChangeMemberRole from '#actions/teams/change_member_role'
import RemoveMember from '#actions/teams/remove_member'
import LeaveWorkspace from '#actions/teams/leave_workspace'
import TransferOwnership from '#actions/teams/transfer_ownership'
import ListMembers from '#actions/teams/list_members'
import ListPendingInvitations from '#actions/teams/list_pending_invitations'
import FindMember from '#actions/teams/find_member'
import { actorOf } from '#actions/audit/record_workspace_event'
import {
  changeMemberRoleValidator,
  inviteMemberValidator,
  transferOwnershipValidator,
} from '#validators/teams'
import { TeamRuleError } from '#teams/team_rule_error'
import { WORKSPACE_ROLES } from '#teams/workspace_roles'
import { WORKSPACE_SESSION_KEY } from '#teams/memberships'
import { flashMessages } from '#services/http/flash_messages'

/**
 * Settings → Members: every member sees who is in the workspace (and may
 * leave it); admins and owners invite, change roles, remove and revoke
 * invitations, and only owners touch owners (WorkspacePolicy).
 */
export default class MembersController {
  async index({ view, bouncer, tenant, auth }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('view', tenant)
    const user = auth.getUserOrFail()
    const canManage = await bouncer.with(WorkspacePolicy).allows('manageMembers', tenant)

    const memberships = await ListMembers.handle(tenant)
    const members = []
    for (const member of memberships) {
      members.push({
        member,
        isSelf: member.userId === user.id,
        canChange:
          member.userId !== user.id &&
          (await bouncer.with(WorkspacePolicy).allows('changeMember', member)),
      })
    }
    const invitations = canManage ? await ListPendingInvitations.handle(tenant) : []

    const isOwner = user.currentMembership?.role === 'owner'
    return view.render('pages/settings/members', {
      members,
      invitations,
      canManage,
      isOwner,
      // Admins give every role but owner.
      roles: WORKSPACE_ROLES.filter((role) => isOwner || role !== 'owner'),
      invitationsPerAddress: INVITATIONS_PER_ADDRESS_PER_DAY,
      now: DateTime.now(),
    })
  }

  async invite(ctx: HttpContext) {
    const { request, response, bouncer, tenant, session } = ctx
    await bouncer.with(WorkspacePolicy).authorize('manageMembers', tenant)
    const data = await request.validateUsing(inviteMemberValidator)
    try {
      const invitation = await InviteMember.handle(actorOf(ctx), tenant, data)
      session.flash('success', flashMessages.members.invited(invitation.email))
    } catch (error) {
      if (!(error instanceof TeamRuleError)) throw error
      session.flashOnly(['email', 'role'])
      session.flash('inputErrorsBag', { [error.field ?? 'email']: [error.message] })
      if (error instanceof PendingInvitationError) {
        session.flash('pendingInvitation', { email: data.email, role: data.role })
      }
    }
    return response.redirect().toRoute('settings.members.index')
  }

  async revoke(ctx: HttpContext) {
    const { params, response, bouncer, tenant, session } = ctx
    await bouncer.with(WorkspacePolicy).authorize('manageMembers', tenant)
    const invitation = await tenant.findOwn('invitations', params.id)
    return this.#refusalsFlashed(ctx, async () => {
      await RevokeInvitation.handle(actorOf(ctx), invitation)
      session.flash('success', flashMessages.members.invitationRevoked(invitation.email))
      return response.redirect().toRoute('settings.members.index')
    })
  }

  async updateRole(ctx: HttpContext) {
    const { request, response, bouncer, session, tenant, params } = ctx
    const member = await FindMember.handle(tenant, params.id)
    const { role } = await request.validateUsing(changeMemberRoleValidator)
    await bouncer.with(WorkspacePolicy).authorize('changeMember', member, role)
    return this.#refusalsFlashed(ctx, async () => {
      await ChangeMemberRole.handle(actorOf(ctx), member, role)
      session.flash('success', flashMessages.members.roleChanged(member.user.email, role))
      return response.redirect().toRoute('settings.members.index')
    })
  }

  async destroy(ctx: HttpContext) {
    const { response, bouncer, session, tenant, params } = ctx
    const member = await FindMember.handle(tenant, params.id)
    await bouncer.with(WorkspacePolicy).authorize('changeMember', member)
    return this.#refusalsFlashed(ctx, async () => {
      await RemoveMember.handle(actorOf(ctx), member)
      session.flash('success', flashMessages.members.removed(member.user.email))
      return response.redirect().toRoute('settings.members.index')
    })
  }

  async transfer(ctx: HttpContext) {
    const { request, response, bouncer, tenant, session, params } = ctx
    await bouncer.with(WorkspacePolicy).authorize('transferOwnership', tenant)
    const heir = await FindMember.handle(tenant, params.id)
    const { stepDown } = await request.validateUsing(transferOwnershipValidator)
    return this.#refusalsFlashed(ctx, async () => {
      await TransferOwnership.handle(actorOf(ctx), ctx.membership, heir, {
        stepDown: !!stepDown,
      })
      session.flash('success', flashMessages.members.ownershipTransferred(heir.user.email))
      return response.redirect().toRoute('settings.members.index')
    })
  }

  /**
   * Any member may leave, but the last owner. They land in another of their
   * workspaces (or on "New workspace" when it was their only one).
   */
  async leave(ctx: HttpContext) {
    const { response, bouncer, tenant, session } = ctx
    await bouncer.with(WorkspacePolicy).authorize('view', tenant)
    return this.#refusalsFlashed(ctx, async () => {
      await LeaveWorkspace.handle(actorOf(ctx), ctx.membership)
      session.forget(WORKSPACE_SESSION_KEY)
      session.flash('success', flashMessages.members.left(tenant.name))
      return response.redirect().toRoute('dashboard')
    })
  }

  async #refusalsFlashed(ctx: HttpContext, change: () => Promise<unknown>) {
    try {
      return await change()
    } catch (error) {
      if (!(error instanceof TeamRuleError)) throw error
      ctx.session.flash('error', error.message)
      return ctx.response.redirect().toRoute('settings.members.index')
    }
  }
}
