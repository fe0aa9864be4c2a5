import Client from '#models/client'
import type Tenant from '#models/tenant'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'
import { deleteClientRows } from '#services/clients/delete_client_rows'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * How many deleted addresses the audit log names (it counts them all).
 */
const NAMED_IN_LOG = 20

/**
 * Deletes clients of a workspace by id. Rooted at the workspace: ids of
 * another workspace's clients match nothing and are left alone. What hangs
 * on them goes or loses its link as #services/clients/delete_client_rows
 * says: their deliveries stay in the log, with the address and name they
 * were sent to. Those still waiting in a running run are not sent: a claim
 * takes only deliveries whose client exists, and the run's batch marks them
 * skipped (skipPassedOverDeliveries, delivery_claims.ts).
 *
 * The audit log gets one entry for the lot (`client.delete` for one
 * client, `clients.delete` for several), naming the first addresses.
 *
 * Returns how many were deleted.
 */
export default class DeleteClients {
  static async handle(actor: Actor, tenant: Tenant, ids: number[]) {
    if (ids.length === 0) return 0
    const deleted = await writeTransaction(async (trx) => {
      const named = await Client.query({ client: trx })
        .where('tenant_id', tenant.id)
        .whereIn('id', ids)
        .orderBy('id')
        .select('id', 'email')
        .limit(NAMED_IN_LOG)
      const { length: count } = await deleteClientRows(
        trx,
        trx.from('clients').where('tenant_id', tenant.id).whereIn('id', ids)
      )
      if (count > 0) {
        await RecordWorkspaceEvent.handle(
          actor,
          {
            tenantId: tenant.id,
            action: count === 1 ? 'client.delete' : 'clients.delete',
            subject: {
              type: 'client',
              id: count === 1 ? named[0].id : null,
              label: count === 1 ? named[0].email : `${count} clients`,
            },
            details: count === 1 ? null : { count, emails: named.map(({ email }) => email) },
          },
          trx
        )
      }
      return count
    })
    if (deleted > 0) await forgetWorkspaceClientCount(tenant)
    return deleted
  }
}
