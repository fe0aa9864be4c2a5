import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'mailings'

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
      table
        .integer('message_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('messages')
        .onDelete('RESTRICT')
      table.string('name', 200).notNullable()
      // 'all' clients of the workspace, or the 'selected' ones in mailing_recipients
      table.string('audience', 16).notNullable().defaultTo('selected')
      table.string('periodicity', 16).notNullable().defaultTo('once')
      table.timestamp('start_at').notNullable()
      table.timestamp('end_at').notNullable()
      table.string('status', 16).notNullable().defaultTo('created')
      table.timestamp('next_run_at').nullable()
      table.string('status_reason', 500).nullable()
      table
        .integer('status_changed_by_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table
        .integer('created_by_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.timestamp('archived_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()

      table.index(['tenant_id', 'status'])
      table.index(['status', 'next_run_at'])
      table.index(['message_id'])
    })

    this.schema.createTable('mailing_recipients', (table) => {
      table
        .integer('mailing_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('mailings')
        .onDelete('CASCADE')
      table
        .integer('client_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('clients')
        .onDelete('CASCADE')
      table.primary(['mailing_id', 'client_id'])
      table.index(['client_id'])
    })
  }

  async down() {
    this.schema.dropTable('mailing_recipients')
    this.schema.dropTable(this.tableName)
  }
}
