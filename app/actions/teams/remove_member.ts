import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import type Membership from '#models/membership'
import { writeTransaction } from '#services/database/write_transaction'
import {
  assertAnotherOwner,
  lockWorkspace,
  rereadMembership,
  assertActorMayStill,
} from '#teams/owners'
import { TeamRuleError } from '#teams/team_rule_error'
import EndMembership from '#actions/teams/end_membership'

/**
 * Takes a member out of the workspace (the caller has checked the actor
 * may: WorkspacePolicy.changeMember). Their access ends on their next
 * request, web or API (EndMembership). The last owner cannot be removed;
 * one's own membership ends by leaving (LeaveWorkspace).
 */
export default class RemoveMember {
  static async handle(actor: Actor, member: Membership) {
    if (member.userId === actor.user.id) {
      throw new TeamRuleError('To leave this workspace yourself, use “Leave workspace”.')
    }
    await writeTransaction(async (trx) => {
      await lockWorkspace(trx, member.tenantId)
      const current = await rereadMembership(trx, member)
      if (!current) return
      await assertActorMayStill(trx, actor, current.tenantId, current.role === 'owner')
      await assertAnotherOwner(
        trx,
        current,
        `${current.user.email} is the only owner: a workspace always keeps one.`
      )
      await EndMembership.handle(current, trx)
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: current.tenantId,
          action: 'member.remove',
          subject: { type: 'membership', id: current.id, label: current.user.email },
          details: { role: current.role, userId: current.userId },
        },
        trx
      )
    })
  }
}
