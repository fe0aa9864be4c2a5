import { DateTime } from 'luxon'
import Invitation from '#models/invitation'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'
import { assertActorMayStill, lockWorkspace } from '#teams/owners'
import { TeamRuleError } from '#teams/team_rule_error'

/**
 * Withdraws a pending invitation: its link stops working at once. One
 * already accepted is refused (remove the member instead).
 */
export default class RevokeInvitation {
  static async handle(actor: Actor, invitation: Invitation) {
    await writeTransaction(async (trx) => {
      await lockWorkspace(trx, invitation.tenantId)
      const current = await Invitation.query({ client: trx })
        .where('id', invitation.id)
        .where('tenantId', invitation.tenantId)
        .firstOrFail()
      // Owners' business stays the owners': an admin does not take back an
      // invitation to become one.
      await assertActorMayStill(trx, actor, current.tenantId, current.role === 'owner')
      if (current.acceptedAt) {
        throw new TeamRuleError(
          `${current.email} has already accepted this invitation: remove them from the members instead.`
        )
      }
      if (current.revokedAt) return

      current.useTransaction(trx)
      current.revokedAt = DateTime.now()
      await current.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: current.tenantId,
          action: 'invitation.revoke',
          subject: { type: 'invitation', id: current.id, label: current.email },
          details: { role: current.role },
        },
        trx
      )
    })
  }
}
