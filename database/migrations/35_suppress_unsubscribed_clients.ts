import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The clients who unsubscribed before the suppression list existed get on
 * it (reason `unsubscribed`, dated from their click), so the list is the
 * whole truth about who may be mailed from now on: deleting and importing
 * such a client again no longer makes them mailable. One INSERT … SELECT;
 * an address already listed keeps its entry.
 */
export default class extends BaseSchema {
  async up() {
    this.defer(async (db) => {
      await db.rawQuery(
        `INSERT INTO suppressions (tenant_id, email, reason, source, created_at, updated_at)
         SELECT tenant_id, email, 'unsubscribed', 'unsubscribe', unsubscribed_at, unsubscribed_at
         FROM clients WHERE unsubscribed_at IS NOT NULL
         ON CONFLICT (tenant_id, email) DO NOTHING`
      )
    })
  }

  async down() {
    // The entries stay: they may have been confirmed since, and removing
    // them would make unsubscribed people mailable again.
  }
}
