import type { Infer } from '@vinejs/vine/types'
import User from '#models/user'
import type Tenant from '#models/tenant'
import type { createAccessTokenValidator } from '#validators/access_token'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * A personal access token for the API, acting in one workspace (the one
 * the member made it in) as its member. Only its hash is stored: the secret
 * it returns is shown once and never again.
 *
 * The auth package writes the token outside any transaction of ours, so
 * the audit entry cannot share it: when the entry cannot be written, the
 * token is deleted again (both or neither, as a transaction would).
 */
export default class CreateAccessToken {
  static async handle(
    actor: Actor,
    tenant: Tenant,
    data: Infer<typeof createAccessTokenValidator>
  ) {
    const token = await User.accessTokens.create(actor.user, data.abilities, {
      name: data.name,
      expiresIn: data.expiresIn === 'never' ? undefined : `${data.expiresIn} days`,
      tenantId: tenant.id,
    })
    try {
      await writeTransaction((trx) =>
        RecordWorkspaceEvent.handle(
          actor,
          {
            tenantId: tenant.id,
            action: 'token.create',
            subject: { type: 'access_token', id: Number(token.identifier), label: data.name },
            details: { abilities: data.abilities, expiresIn: data.expiresIn },
          },
          trx
        )
      )
    } catch (error) {
      await User.accessTokens.delete(actor.user, token.identifier)
      throw error
    }
    return { token, secret: token.value!.release() }
  }
}
