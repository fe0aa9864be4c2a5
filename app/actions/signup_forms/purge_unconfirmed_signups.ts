import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Tenant from '#models/tenant'
import signupFormsConfig from '#config/signup_forms'
import { affectedRows } from '#services/database/affected_rows'
import { forgetWorkspaceClientCount } from '#services/clients/client_count'
import { deleteClientRows } from '#services/clients/delete_client_rows'
import { sqlTime } from '#services/database/sql_time'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Rows deleted per statement: short transactions, so a backlog left by a
 * flood of robot sign-ups never holds the (SQLite) write lock for long.
 */
const CHUNK = 500

/**
 * The daily clean-up of sign-ups nobody confirmed (PurgeUnconfirmedSignupsJob),
 * over every workspace, once their confirmation link has long expired
 * (signupFormsConfig.unconfirmedKeptHours after the sign-up):
 *
 * - pending clients, unless a newer sign-up of the same address is still
 *   waiting for its click (a client is pending from its first sign-up; a
 *   later one mails a new link). Nothing but a sign-up makes a client
 *   pending and the business taking the address over ends it, so these are
 *   clients nobody vouched for, unless one of their consents was confirmed
 *   (the address was suppressed after the sign-up). They go as deleted
 *   clients go (#services/clients/delete_client_rows); their consents'
 *   `client_id` would be set to null, but those go too:
 * - never-confirmed consents, whoever they were for (a new address or an
 *   existing client signing up again): without a confirmation they record
 *   no consent, only a visitor's IP, browser, name and answers.
 *
 * Confirmed consents and every other client stay. Running it again deletes
 * nothing more. Each chunk's DELETE repeats the SELECT's conditions, so a
 * row that changed in between (a newer sign-up) is kept. Returns how many of
 * each were deleted.
 */
export default class PurgeUnconfirmedSignups {
  static async handle({ now = DateTime.utc(), chunk = CHUNK } = {}) {
    const keptHours = Math.max(
      signupFormsConfig.unconfirmedKeptHours,
      signupFormsConfig.confirmationTtlHours
    )
    const cutoff = sqlTime(now.minus({ hours: keptHours }))
    const clients = await purgePendingClients(cutoff, chunk)
    const consents = await purgeUnconfirmedConsents(cutoff, chunk)
    return { clients, consents }
  }
}

async function purgePendingClients(cutoff: string, chunk: number) {
  // The partial index on pending_at (migration 52) finds them; the
  // (tenant_id, email) index of consents answers the first NOT EXISTS,
  // the client_id index the second.
  const expired = (query: DatabaseQueryBuilderContract) =>
    query
      .whereNotNull('clients.pending_at')
      .where('clients.pending_at', '<', cutoff)
      .whereNotExists((waiting) =>
        waiting
          .from('consents')
          .whereColumn('consents.tenant_id', 'clients.tenant_id')
          .whereColumn('consents.email', 'clients.email')
          .whereNull('consents.confirmed_at')
          .where('consents.created_at', '>=', cutoff)
      )
      // Confirmed, but suppressed since the sign-up (ConfirmSignup leaves
      // the client pending then): a record of consent, never deleted.
      .whereNotExists((confirmed) =>
        confirmed
          .from('consents')
          .whereColumn('consents.client_id', 'clients.id')
          .whereNotNull('consents.confirmed_at')
      )

  const tenantIds = new Set<number>()
  const deleted = await deleteInChunks('clients', expired, chunk, async (trx, query) => {
    const gone = await deleteClientRows(trx, query)
    for (const client of gone) tenantIds.add(client.tenantId)
    return gone.length
  })
  if (tenantIds.size > 0) {
    for (const tenant of await Tenant.query().whereIn('id', [...tenantIds])) {
      await forgetWorkspaceClientCount(tenant)
    }
  }
  return deleted
}

async function purgeUnconfirmedConsents(cutoff: string, chunk: number) {
  // The partial index of unconfirmed consents by created_at (migration 52).
  const expired = (query: DatabaseQueryBuilderContract) =>
    query.whereNull('confirmed_at').where('created_at', '<', cutoff)

  return deleteInChunks('consents', expired, chunk, async (_trx, query) =>
    affectedRows(await query.delete())
  )
}

/**
 * Deletes the rows of `table` that `expired` selects, `chunk` at a time,
 * each chunk in its own short write transaction; `remove` deletes the
 * chunk's rows (selected again under `expired`, so a row that changed since
 * the SELECT stays) and says how many went. No ORDER BY: chunks need none,
 * and ordering by id made SQLite read the table in id order instead of the
 * partial indexes of migration 52.
 */
async function deleteInChunks(
  table: 'clients' | 'consents',
  expired: (query: DatabaseQueryBuilderContract) => DatabaseQueryBuilderContract,
  chunk: number,
  remove: (trx: TransactionClientContract, query: DatabaseQueryBuilderContract) => Promise<number>
) {
  let deleted = 0
  for (;;) {
    const rows = await expired(db.from(table)).limit(chunk).select('id')
    if (rows.length === 0) break
    const ids = rows.map((row) => Number(row.id))
    deleted += await writeTransaction((trx) =>
      remove(trx, expired(trx.from(table)).whereIn('id', ids))
    )
    if (rows.length < chunk) break
  }
  return deleted
}
