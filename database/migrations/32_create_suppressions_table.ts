import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The addresses a workspace must not mail, keyed by the address rather than
 * by a client: an entry outlives deleting the client, so re-importing the
 * address cannot quietly start mailing it again. `reason` is one of
 * unsubscribed, hard_bounce, complaint, manual (app/models/suppression.ts);
 * `source` says where it came from (the unsubscribe link, an SMTP reply, a
 * DSN, a provider's webhook, the API, a person), `detail` the server's words.
 */
export default class extends BaseSchema {
  protected tableName = 'suppressions'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.string('email', 254).notNullable()
      table.string('reason', 20).notNullable()
      table.string('source', 40).notNullable()
      table.text('detail').nullable()
      // The delivery that caused it, when one did (kept as a number: the
      // log may be pruned, the suppression stays).
      table.bigInteger('delivery_id').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()

      // One entry per address and workspace: run start's anti-join and
      // every lookup by address use it.
      table.unique(['tenant_id', 'email'])
      // The list page, newest first.
      table.index(['tenant_id', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
