import type Tenant from '#models/tenant'
import { isRecordId } from '#validators/rules/record_id'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Deletes an API token of the workspace; the API refuses it from the next
 * request. The member's own, or (`anyMember`, for admins) any member's;
 * a token of another workspace or (without `anyMember`) of another member
 * deletes nothing (false).
 */
export default class RevokeAccessToken {
  static async handle(
    actor: Actor,
    tenant: Tenant,
    tokenId: string | number,
    { anyMember = false }: { anyMember?: boolean } = {}
  ) {
    const id = Number(tokenId)
    if (!isRecordId(id)) return false

    return writeTransaction(async (trx) => {
      const query = trx.from('auth_access_tokens').where({ id, tenant_id: tenant.id })
      if (!anyMember) query.where('tokenable_id', actor.user.id)
      const token = await query.first()
      if (!token) return false
      // An owner's token is the owners' to revoke, as the owner is.
      if (Number(token.tokenable_id) !== actor.user.id) {
        const holder = await trx
          .from('memberships')
          .where({ tenant_id: tenant.id, user_id: token.tokenable_id })
          .first()
        if (holder?.role === 'owner' && actor.user.currentMembership?.role !== 'owner') return false
      }

      await trx.from('auth_access_tokens').where('id', id).delete()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'token.revoke',
          subject: { type: 'access_token', id, label: token.name },
          details: { memberId: Number(token.tokenable_id) },
        },
        trx
      )
      return true
    })
  }
}
