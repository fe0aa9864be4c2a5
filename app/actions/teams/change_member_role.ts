import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import type Membership from '#models/membership'
import { writeTransaction } from '#services/database/write_transaction'
import {
  assertActorMayStill,
  assertAnotherOwner,
  lockWorkspace,
  rereadMembership,
} from '#teams/owners'
import { TeamRuleError } from '#teams/team_rule_error'
import type { WorkspaceRole } from '#teams/workspace_roles'

/**
 * Gives a member another role (the caller has checked the actor may:
 * WorkspacePolicy.changeMember). The last owner cannot be demoted.
 */
export default class ChangeMemberRole {
  static async handle(actor: Actor, member: Membership, role: WorkspaceRole) {
    return writeTransaction(async (trx) => {
      await lockWorkspace(trx, member.tenantId)
      const current = await rereadMembership(trx, member)
      if (!current) throw new TeamRuleError('That person is no longer a member of this workspace.')
      if (current.role === role) return current
      await assertActorMayStill(
        trx,
        actor,
        current.tenantId,
        current.role === 'owner' || role === 'owner'
      )

      if (role !== 'owner') {
        await assertAnotherOwner(
          trx,
          current,
          `${current.user.email} is the only owner: make another member owner first.`
        )
      }
      const previous = current.role
      current.useTransaction(trx)
      current.role = role
      await current.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: current.tenantId,
          action: 'member.role_change',
          subject: { type: 'membership', id: current.id, label: current.user.email },
          details: { from: previous, to: role },
        },
        trx
      )
      return current
    })
  }
}
