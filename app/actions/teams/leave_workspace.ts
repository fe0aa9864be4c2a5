import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import type Membership from '#models/membership'
import { writeTransaction } from '#services/database/write_transaction'
import { assertAnotherOwner, lockWorkspace, rereadMembership } from '#teams/owners'
import EndMembership from '#actions/teams/end_membership'

/**
 * The actor leaves the workspace of their membership, with the API tokens
 * they made for it. The last owner cannot: they hand the workspace over
 * first (or delete it).
 */
export default class LeaveWorkspace {
  static async handle(actor: Actor, membership: Membership) {
    await writeTransaction(async (trx) => {
      await lockWorkspace(trx, membership.tenantId)
      const current = await rereadMembership(trx, membership)
      if (!current || current.userId !== actor.user.id) return
      await assertAnotherOwner(
        trx,
        current,
        'You are the only owner of this workspace: make another member owner before you leave.'
      )
      await EndMembership.handle(current, trx)
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: current.tenantId,
          action: 'member.leave',
          subject: { type: 'membership', id: current.id, label: actor.user.email },
          details: { role: current.role },
        },
        trx
      )
    })
    actor.user.lastTenantId =
      actor.user.lastTenantId === membership.tenantId ? null : actor.user.lastTenantId
  }
}
