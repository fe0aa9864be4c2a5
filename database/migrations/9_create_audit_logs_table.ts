import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Every staff action (moderation, roles, blog), append-only.
 */
export default class extends BaseSchema {
  protected tableName = 'audit_logs'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      // Kept when the acting user is deleted: the log outlives accounts.
      table
        .integer('actor_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.string('actor_email', 254).notNullable()
      table.string('action', 60).notNullable()
      table.string('subject_type', 40).notNullable()
      table.integer('subject_id').nullable()
      table.string('subject_label', 250).nullable()
      table.text('reason').nullable()
      table.json('details').nullable()
      table.timestamp('created_at').notNullable()

      table.index(['created_at', 'id'])
      table.index(['actor_id', 'created_at'])
      table.index(['subject_type', 'subject_id'])
      table.index(['action', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
