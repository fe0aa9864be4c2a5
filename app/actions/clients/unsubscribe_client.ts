import { DateTime } from 'luxon'
import emitter from '@adonisjs/core/services/emitter'
import db from '@adonisjs/lucid/services/db'
import SuppressAddress from '#actions/suppressions/suppress_address'
import Client from '#models/client'
import { sqlTime } from '#services/database/sql_time'
import { affectedRows } from '#services/database/affected_rows'

/**
 * A client leaves their workspace's list: mailings skip them from now on.
 * Every way of unsubscribing goes through here, so there is one place that
 * says it happened. The client's `unsubscribed_at` records their click;
 * the suppression entry (reason `unsubscribed`) is what keeps the address
 * unmailed whatever becomes of the client.
 *
 * Idempotent: a client who is already unsubscribed keeps their first date.
 * Returns whether anything changed (true only for the first of several
 * clicks, even simultaneous ones).
 */
export default class UnsubscribeClient {
  static async handle(client: Client) {
    const now = DateTime.utc()

    // A conditional update rather than read-then-save: of two simultaneous
    // one-click POSTs only one changes the row, so the event fires once.
    const changed = await db.transaction(async (trx) => {
      const result = await Client.query({ client: trx })
        .where('id', client.id)
        .where('tenant_id', client.tenantId)
        .whereNull('unsubscribed_at')
        .update({ unsubscribed_at: sqlTime(now), updated_at: sqlTime(now) })
      // The address goes on the suppression list too (every click: a client
      // unsubscribed before the list existed gets there now), so deleting
      // and importing the client again does not make them mailable.
      await SuppressAddress.handle(
        {
          tenantId: client.tenantId,
          email: client.email,
          reason: 'unsubscribed',
          source: 'unsubscribe',
        },
        trx
      )
      return affectedRows(result) === 1
    })

    // The date the row now holds: ours, or the one of an earlier click.
    await client.refresh()
    if (changed) {
      await emitter.emit('client:unsubscribed', { client, unsubscribedAt: now })
    }
    return changed
  }
}
