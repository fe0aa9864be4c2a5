import db from '@adonisjs/lucid/services/db'
import Client from '#models/client'
import type Tenant from '#models/tenant'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'
import { affectedRows } from '#services/database/affected_rows'

/**
 * Deletes clients of a workspace by id. Rooted at the workspace: ids of
 * another workspace's clients match nothing and are left alone. Their places
 * in mailings' recipient lists go with them (ON DELETE CASCADE). Their
 * deliveries stay in the log, with the address and name they were sent to,
 * and lose their link to the client here (on PostgreSQL no foreign key does
 * it: see migration 29). Those still waiting in a running run are not
 * sent: a claim takes only deliveries whose client exists, and the run's
 * batch marks them skipped (skipPassedOverDeliveries, delivery_claims.ts).
 * The clean-up has no index on client_id and reads the workspace's
 * deliveries: an index would cost every run start more than it saves here
 * (docs/architecture.md, "Sending: runs, deliveries, attempts").
 *
 * Returns how many were deleted.
 */
export default class DeleteClients {
  static async handle(tenant: Tenant, ids: number[]) {
    if (ids.length === 0) return 0
    const deleted = await db.transaction(async (trx) => {
      const result = await Client.query({ client: trx })
        .where('tenant_id', tenant.id)
        .whereIn('id', ids)
        .delete()
      await trx
        .from('deliveries')
        .where('tenant_id', tenant.id)
        .whereIn('client_id', ids)
        .update({ client_id: null })
      return affectedRows(result)
    })
    if (deleted > 0) await forgetWorkspaceClientCount(tenant)
    return deleted
  }
}
