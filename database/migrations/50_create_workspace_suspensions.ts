import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A workspace stops sending while one of the people who owned it when they
 * were blocked stays blocked: one row per (workspace, blocked owner),
 * written with the block and removed with the unblock. Kept apart from the
 * memberships so that a colleague the abuser invited cannot lift it by
 * removing them.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('workspace_suspensions', (table) => {
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.timestamp('created_at').notNullable()
      table.primary(['tenant_id', 'user_id'])
      table.index(['user_id'])
    })
    // Owners blocked before: their workspaces stop as a block now stops them.
    this.defer(async (db) => {
      await db.rawQuery(
        `INSERT INTO workspace_suspensions (tenant_id, user_id, created_at)
         SELECT memberships.tenant_id, users.id, users.blocked_at FROM memberships
         JOIN users ON users.id = memberships.user_id
         WHERE memberships.role = 'owner' AND users.blocked_at IS NOT NULL`
      )
    })
  }

  async down() {
    this.schema.dropTable('workspace_suspensions')
  }
}
