import db from '@adonisjs/lucid/services/db'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'

/**
 * Deletes one of the actor's personal access tokens; the API refuses it
 * from the next request. Scoped to the actor: another user's token id
 * deletes nothing (false). The token's row is deleted here rather than by
 * the auth package, so the deletion and its audit entry (in the workspace
 * the token acted in) share one transaction.
 */
export default class RevokeAccessToken {
  static async handle(actor: Actor, tokenId: string | number) {
    return db.transaction(async (trx) => {
      const owned = () =>
        trx.from('auth_access_tokens').where({ id: tokenId, tokenable_id: actor.user.id })
      const token = await owned().select('id', 'name', 'tenant_id').first()
      if (!token) return false
      await owned().delete()
      if (token.tenant_id !== null) {
        await RecordWorkspaceEvent.handle(
          actor,
          {
            tenantId: token.tenant_id,
            action: 'token.revoke',
            subject: { type: 'access_token', id: Number(token.id), label: token.name },
          },
          trx
        )
      }
      return true
    })
  }
}
