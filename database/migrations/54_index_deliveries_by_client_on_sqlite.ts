import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * SQLite only: deliveries by client, for the foreign key's ON DELETE SET
 * NULL. Without an index SQLite looks for a deleted client's deliveries by
 * reading every delivery of every workspace, once per client: deleting 200
 * clients among 500,000 deliveries took about 8 s, holding the write lock
 * past the busy timeout (DeleteClients, the daily PurgeUnconfirmedSignups).
 * Partial: a client's id is only looked up when it is not null.
 *
 * PostgreSQL has no such foreign key (migration 29): deleting clients
 * clears their deliveries' client_id by workspace
 * (#services/clients/delete_client_rows), and an index there cost run start
 * a third more work. On SQLite it costs run start at 100,000 recipients
 * little (docs/benchmarks.md, "Segments and audiences").
 */
export default class extends BaseSchema {
  async up() {
    if (this.db.dialect.name === 'postgres') return
    this.schema.raw(
      'CREATE INDEX deliveries_client_id_index ON deliveries (client_id) WHERE client_id IS NOT NULL'
    )
  }

  async down() {
    if (this.db.dialect.name === 'postgres') return
    this.schema.raw('DROP INDEX deliveries_client_id_index')
  }
}
