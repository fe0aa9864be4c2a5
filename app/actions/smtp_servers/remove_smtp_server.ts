import type Tenant from '#models/tenant'
import WorkspaceSmtpServer from '#models/workspace_smtp_server'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { affectedRows } from '#services/database/affected_rows'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Forgets the workspace's own server: its mailings go through the
 * platform's again from their next batch.
 */
export default class RemoveSmtpServer {
  static async handle(actor: Actor, tenant: Tenant) {
    await writeTransaction(async (trx) => {
      const removed = await WorkspaceSmtpServer.query({ client: trx })
        .where('tenant_id', tenant.id)
        .delete()
      if (affectedRows(removed) === 0) return
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'smtp_server.remove',
          subject: { type: 'smtp_server', id: null, label: null },
        },
        trx
      )
    })
  }
}
