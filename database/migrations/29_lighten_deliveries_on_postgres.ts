import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * PostgreSQL only (docs/benchmarks.md, "At scale on PostgreSQL"):
 *
 * - deliveries.client_id loses its foreign key. Checking it cost more than
 *   the rows themselves when a run fixes its recipients (one locking
 *   lookup of the client per delivery: 13 of the 34 s of a million-row
 *   INSERT … SELECT). The delivery keeps the address and name it was sent
 *   to; DeleteClients clears client_id itself, as ON DELETE SET NULL did.
 * - The (tenant_id, email) index becomes a pattern index (varchar_pattern_ops):
 *   the delivery log's "email starts with" search is a LIKE 'prefix%', which
 *   a plain index serves only under the C collation (a database created
 *   with another one, C.UTF-8 included, read every delivery of the
 *   workspace: 0.9 s at a million). It still serves equality.
 *
 * SQLite keeps both as they are: its foreign keys cost little, and the log
 * searches it with a range (ListDeliveries).
 */
export default class extends BaseSchema {
  async up() {
    if (this.db.dialect.name !== 'postgres') return
    this.schema.alterTable('deliveries', (table) => {
      table.dropForeign(['client_id'])
    })
    this.schema.raw('DROP INDEX deliveries_tenant_id_email_index')
    this.schema.raw(
      'CREATE INDEX deliveries_tenant_id_email_index ON deliveries (tenant_id, email varchar_pattern_ops)'
    )
  }

  async down() {
    if (this.db.dialect.name !== 'postgres') return
    this.schema.raw('DROP INDEX deliveries_tenant_id_email_index')
    // A run that started while its client was being deleted may have kept the id.
    this.schema.raw(
      'UPDATE deliveries SET client_id = NULL WHERE client_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clients WHERE clients.id = deliveries.client_id)'
    )
    this.schema.alterTable('deliveries', (table) => {
      table.index(['tenant_id', 'email'])
      table.foreign('client_id').references('id').inTable('clients').onDelete('SET NULL')
    })
  }
}
