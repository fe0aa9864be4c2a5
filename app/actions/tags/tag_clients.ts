import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Client from '#models/client'
import type Tag from '#models/tag'
import type Tenant from '#models/tenant'
import { clientFilterOf, type ClientFilters } from '#audiences/client_filters'
import { affectedRows } from '#services/database/affected_rows'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'
import { sqlTime } from '#services/database/sql_time'

/**
 * Which clients a bulk change is for: ids ticked in the list, or every
 * client the list shows with its search and filters (all of its pages).
 */
export type ClientSelection = { ids: number[] } | { filters: ClientFilters }

/**
 * Adds a tag to, or removes it from, a selection of the workspace's
 * clients, with one statement rooted at the workspace: `INSERT … SELECT`
 * or `DELETE … WHERE client_id IN (SELECT …)`. A whole search of 100,000
 * clients never comes into Node, and ids of another workspace's clients
 * match nothing. The clients whose tags change get a new `updated_at`, as
 * for every other change of a client's tags. Returns how many clients
 * changed (those that already had, or did not have, the tag are not
 * counted).
 */
export default class TagClients {
  static async handle(
    actor: Actor,
    tenant: Tenant,
    tag: Tag,
    operation: 'add' | 'remove',
    selection: ClientSelection
  ): Promise<number> {
    const narrow = 'filters' in selection ? await clientFilterOf(tenant, selection.filters) : null
    return writeTransaction(async (trx) => {
      const changed = await TagClients.#change(trx, tenant, tag, operation, selection, narrow)
      if (changed > 0) {
        await RecordWorkspaceEvent.handle(
          actor,
          {
            tenantId: tenant.id,
            action: operation === 'add' ? 'clients.tag' : 'clients.untag',
            subject: { type: 'tag', id: tag.id, label: tag.name },
            details: { count: changed },
          },
          trx
        )
      }
      return changed
    })
  }

  static async #change(
    trx: TransactionClientContract,
    tenant: Tenant,
    tag: Tag,
    operation: 'add' | 'remove',
    selection: ClientSelection,
    narrow: Awaited<ReturnType<typeof clientFilterOf>> | null
  ) {
    // Built anew for each statement: a query builder is spent by being used.
    const clients = () => {
      const query = Client.query({ client: trx }).where('tenant_id', tenant.id)
      return narrow ? narrow(query) : query.whereIn('id', (selection as { ids: number[] }).ids)
    }
    const hasTag = (query: DatabaseQueryBuilderContract) =>
      query
        .from('client_tags')
        .whereColumn('client_tags.client_id', 'clients.id')
        .where('client_tags.tag_id', tag.id)

    // The clients whose tags change, changed (API readers sync on
    // updated_at): marked before the tags move, while "has it / has it
    // not" still tells which they are; one statement over the same
    // selection, each row checked on the (client_id, tag_id) index.
    await trx
      .from('clients')
      .whereIn('id', clients().select('id'))
      .if(
        operation === 'remove',
        (query) => query.whereExists(hasTag),
        (query) => query.whereNotExists(hasTag)
      )
      .update({ updated_at: sqlTime() })

    if (operation === 'remove') {
      const result = await trx
        .from('client_tags')
        .where('tag_id', tag.id)
        .whereIn('client_id', clients().select('id'))
        .delete()
      return affectedRows(result)
    }

    const select = clients()
      .select(trx.raw('CAST(? AS INTEGER)', [tag.id]), 'id')
      .toSQL()
    const result = await trx.rawQuery(
      `INSERT INTO client_tags (tag_id, client_id) ${select.sql}
       ON CONFLICT (tag_id, client_id) DO NOTHING`,
      select.bindings as any[]
    )
    // PostgreSQL reports rowCount, better-sqlite3 changes.
    return Number(result.rowCount ?? result.changes ?? 0)
  }
}
