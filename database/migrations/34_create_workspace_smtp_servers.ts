import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A workspace's own SMTP server (Settings → SMTP server), at most one per
 * workspace: when present, and the operator allows it (ALLOW_CUSTOM_SMTP),
 * the workspace's mailings go through it instead of the platform's server.
 * `password` is encrypted with APP_KEY. `version` goes up at every save:
 * workers cache one pooled transport per workspace and version, so a saved
 * change is picked up at the next batch and the old pool closed.
 */
export default class extends BaseSchema {
  protected tableName = 'workspace_smtp_servers'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.string('host', 253).notNullable()
      table.integer('port').notNullable()
      // none, starttls (required) or implicit (TLS from the first byte).
      table.string('tls_mode', 10).notNullable()
      table.string('username', 255).nullable()
      table.text('password').nullable()
      table.integer('pool_size').notNullable()
      // Messages per second; null: the operator's per-workspace rate.
      table.integer('send_rate').nullable()
      table.integer('version').notNullable().defaultTo(1)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
