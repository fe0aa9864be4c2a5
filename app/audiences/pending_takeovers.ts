import { DateTime } from 'luxon'
import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import Client from '#models/client'

/**
 * The business taking over addresses still pending (signed up through a
 * form, not confirmed): creating, saving, importing or upserting such an
 * address vouches for its consent, so the client is subscribed, and
 * `client.subscribed` says so (source `workspace`), as a confirmation does.
 */

/**
 * Ends the pending state of these clients of the workspace, in the caller's
 * transaction, and returns the ids that were still pending. The update is
 * the claim: a confirmation committing meanwhile has already cleared
 * `pending_at`, so its client is announced once, by whichever came first.
 */
export async function claimPendingClients(
  trx: QueryClientContract,
  tenantId: number,
  clientIds: number[]
): Promise<number[]> {
  if (clientIds.length === 0) return []
  const rows: { id: number | string }[] = await trx
    .from('clients')
    .where('tenant_id', tenantId)
    .whereIn('id', clientIds)
    .whereNotNull('pending_at')
    .update({ pending_at: null }, ['id'])
  return rows.map((row) => Number(row.id))
}

/**
 * Announces the clients taken over, after the caller's commit: one
 * `client:subscribed` each. Loads them when given ids (a bulk write).
 * Never throws: the write is committed, and the response must say so; a
 * failure here (loading the clients, a listener) is logged.
 */
export async function announceTakenOver(clients: Client[] | number[]) {
  if (clients.length === 0) return
  try {
    const loaded =
      typeof clients[0] === 'number'
        ? await Client.query().whereIn('id', clients as number[])
        : (clients as Client[])
    const subscribedAt = DateTime.utc()
    for (const client of loaded) {
      await emitter.emit('client:subscribed', {
        client,
        subscribedAt,
        source: 'workspace',
        signupFormId: null,
        consentId: null,
      })
    }
  } catch (error) {
    logger.error({ err: error }, 'Clients taken over could not be announced')
  }
}
