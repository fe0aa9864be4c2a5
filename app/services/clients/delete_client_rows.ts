import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'

export interface DeletedClient {
  id: number
  tenantId: number
}

/**
 * Deletes the clients `query` selects (a DELETE built on `trx.from('clients')`,
 * rooted at a workspace or not) with what hangs on them, in the caller's
 * transaction: DeleteClients and the daily PurgeUnconfirmedSignups.
 *
 * Tags and places in mailings' recipient lists go with them (ON DELETE
 * CASCADE); consents keep the address and lose client_id (SET NULL).
 * Deliveries stay in the log, with the address and name they were sent to,
 * and lose their link to the client: on SQLite by the foreign key's SET NULL
 * (through the partial index of migration 54), on PostgreSQL, which has no
 * such foreign key (migration 29), here, among the deliveries of the deleted
 * clients' workspaces (no index leads with client_id there: it would cost
 * every run start more than it saves here).
 *
 * Returns the clients deleted.
 */
export async function deleteClientRows(
  trx: QueryClientContract,
  query: DatabaseQueryBuilderContract
): Promise<DeletedClient[]> {
  // Knex adds no RETURNING to a DELETE on SQLite (3.35 and later have it).
  const { sql, bindings } = query.delete().toSQL()
  const result = await trx.rawQuery(`${sql} returning id, tenant_id`, [...bindings] as any[])
  const rows: { id: number | string; tenant_id: number | string }[] =
    trx.dialect.name === 'postgres' ? result.rows : result
  const deleted = rows.map((row) => ({ id: Number(row.id), tenantId: Number(row.tenant_id) }))
  if (deleted.length > 0 && trx.dialect.name === 'postgres') {
    await trx
      .from('deliveries')
      .whereIn('tenant_id', [...new Set(deleted.map((client) => client.tenantId))])
      .whereIn(
        'client_id',
        deleted.map((client) => client.id)
      )
      .update({ client_id: null })
  }
  return deleted
}
