import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What the daily clean-up of unconfirmed sign-ups (PurgeUnconfirmedSignups)
 * looks for, over every workspace, without reading every client and every
 * consent: partial indexes (SQLite and PostgreSQL both have them) holding
 * only pending clients and unconfirmed consents, which the clean-up keeps
 * to about a week's worth.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(
      'CREATE INDEX clients_pending_at_index ON clients (pending_at) WHERE pending_at IS NOT NULL'
    )
    this.schema.raw(
      'CREATE INDEX consents_unconfirmed_created_at_index ON consents (created_at) WHERE confirmed_at IS NULL'
    )
  }

  async down() {
    this.schema.raw('DROP INDEX consents_unconfirmed_created_at_index')
    this.schema.raw('DROP INDEX clients_pending_at_index')
  }
}
