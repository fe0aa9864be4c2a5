import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import type Membership from '#models/membership'
import { writeTransaction } from '#services/database/write_transaction'
import { lockWorkspace, rereadMembership } from '#teams/owners'
import { TeamRuleError } from '#teams/team_rule_error'

/**
 * An owner makes another member owner and, if they choose, steps down to
 * admin in the same transaction (the workspace has the new owner by then,
 * so it never lacks one).
 */
export default class TransferOwnership {
  static async handle(
    actor: Actor,
    from: Membership,
    to: Membership,
    { stepDown }: { stepDown: boolean }
  ) {
    if (from.userId === to.userId) {
      throw new TeamRuleError('Choose another member to make owner.')
    }
    return writeTransaction(async (trx) => {
      await lockWorkspace(trx, from.tenantId)
      const owner = await rereadMembership(trx, from)
      const heir = await rereadMembership(trx, to)
      if (!owner || owner.role !== 'owner') {
        throw new TeamRuleError('Only an owner may hand the workspace over.')
      }
      if (!heir) throw new TeamRuleError('That person is no longer a member of this workspace.')

      const previous = heir.role
      heir.useTransaction(trx)
      heir.role = 'owner'
      await heir.save()
      if (stepDown) {
        owner.useTransaction(trx)
        owner.role = 'admin'
        await owner.save()
      }
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: from.tenantId,
          action: 'workspace.transfer_ownership',
          subject: { type: 'membership', id: heir.id, label: heir.user.email },
          details: { previousRole: previous, steppedDown: stepDown },
        },
        trx
      )
      return { owner, heir }
    })
  }
}
