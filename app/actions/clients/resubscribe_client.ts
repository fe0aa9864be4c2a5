import { DateTime } from 'luxon'
import emitter from '@adonisjs/core/services/emitter'
import type Client from '#models/client'
import { storableUserAgent } from '#models/consent'
import { subscriptionOf } from '#audiences/preferences'
import { sqlTime } from '#services/database/sql_time'
import { affectedRows } from '#services/database/affected_rows'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * What the consent record keeps of the request that resubscribed.
 */
export interface ResubscribeRequest {
  /** The words beside the button (resubscribeConsentText). */
  consentText: string
  ip: string
  userAgent: string | null
}

/**
 * `resubscribed`: mailable again. `not_unsubscribed`: nothing to do.
 * `suppressed`: the address is suppressed for a bounce, a complaint or by
 * hand, which only the workspace may lift (Clients → Suppression list).
 */
export type ResubscribeOutcome = 'resubscribed' | 'not_unsubscribed' | 'suppressed'

/**
 * A client who unsubscribed comes back, from the link of a message they
 * received: the only way an unsubscribe is ever undone (the workspace
 * cannot, RemoveSuppression). Clears the client's `unsubscribed_at` and
 * removes their `unsubscribed` suppression entry, nothing else: an entry a
 * bounce or complaint raised meanwhile stays, and keeps the address
 * unmailed. Records the consent (the words shown, time, IP, browser; the
 * link proves the address is theirs, so it is confirmed at once).
 *
 * Announces `client:updated` with the state before and after.
 */
export default class ResubscribeClient {
  static async handle(client: Client, request: ResubscribeRequest): Promise<ResubscribeOutcome> {
    const before = await subscriptionOf(client)
    if (!before.unsubscribed) return 'not_unsubscribed'
    if (!before.canResubscribe) return 'suppressed'

    const now = DateTime.utc()
    const changed = await writeTransaction(async (trx) => {
      const address = { tenant_id: client.tenantId, email: client.email }
      // Conditional on the reason: a bounce recorded since the check stays.
      const entries = await trx
        .from('suppressions')
        .where(address)
        .where('reason', 'unsubscribed')
        .delete()
      const rows = await trx
        .from('clients')
        .where({ id: client.id, tenant_id: client.tenantId })
        .whereNotNull('unsubscribed_at')
        .update({ unsubscribed_at: null, updated_at: sqlTime(now) })
      if (affectedRows(entries) === 0 && affectedRows(rows) === 0) return false

      await trx.table('consents').insert({
        ...address,
        client_id: client.id,
        signup_form_id: null,
        ip: request.ip,
        user_agent: storableUserAgent(request.userAgent),
        consent_text: request.consentText,
        submitted: '{}',
        confirmed_at: sqlTime(now),
        created_at: sqlTime(now),
      })
      return true
    })
    // Another click got there first: it announced the change.
    if (!changed) return 'resubscribed'

    await client.refresh()
    await emitter.emit('client:updated', {
      client,
      changes: { state: { from: 'unsubscribed', to: client.state } },
      source: 'preference_page',
    })
    return 'resubscribed'
  }
}
