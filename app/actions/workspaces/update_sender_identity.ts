import type Tenant from '#models/tenant'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { changesOf } from '#actions/workspaces/update_workspace'
import { writeTransaction } from '#services/database/write_transaction'

export interface SenderIdentityFields {
  senderName: string | null
  senderEmail: string | null
  replyTo: string | null
}

/**
 * An admin sets who the workspace's mail is from (Settings → Sending). An
 * address on a domain not yet verified is kept: mail goes "via" the
 * operator until the domain is, then from the address, without another
 * visit to this page.
 */
export default class UpdateSenderIdentity {
  static async handle(actor: Actor, tenant: Tenant, fields: SenderIdentityFields) {
    const before = {
      senderName: tenant.senderName,
      senderEmail: tenant.senderEmail,
      replyTo: tenant.replyTo,
    }
    await writeTransaction(async (trx) => {
      tenant.useTransaction(trx)
      tenant.merge(fields)
      await tenant.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'workspace.sender_identity',
          subject: { type: 'workspace', id: tenant.id, label: tenant.name },
          details: changesOf(before, { ...fields }),
        },
        trx
      )
    })
  }
}
