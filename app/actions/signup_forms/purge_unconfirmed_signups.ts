import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
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

  let deleted = 0
  const tenantIds = new Set<number>()
  for (;;) {
    // No ORDER BY: chunks need none, and ordering by id made SQLite read
    // the clients table in id order instead of the partial index.
    const rows = await expired(db.from('clients')).limit(chunk).select('id')
    if (rows.length === 0) break
    const ids = rows.map((row) => Number(row.id))
    const gone = await writeTransaction((trx) =>
      deleteClientRows(trx, expired(trx.from('clients')).whereIn('id', ids))
    )
    deleted += gone.length
    for (const client of gone) tenantIds.add(client.tenantId)
    if (rows.length < chunk) break
  }
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

  let deleted = 0
  for (;;) {
    // No ORDER BY, as above: the partial index of migration 52 finds them.
    const rows = await expired(db.from('consents')).limit(chunk).select('id')
    if (rows.length === 0) break
    const ids = rows.map((row) => Number(row.id))
    const result = await writeTransaction((trx) =>
      expired(trx.from('consents')).whereIn('id', ids).delete()
    )
    deleted += affectedRows(result)
    if (rows.length < chunk) break
  }
  return deleted
}
