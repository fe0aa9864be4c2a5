import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Runs, deliveries and attempts: what happened to every message.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('mailing_runs', (table) => {
      table.increments('id').notNullable()
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table
        .integer('mailing_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('mailings')
        .onDelete('CASCADE')
      // The occurrence this run is for: one run per occurrence, however many
      // schedulers race to start it.
      table.timestamp('occurrence_at').notNullable()
      // running | paused | completed | missed
      table.string('status', 16).notNullable()
      table.string('status_reason', 500).nullable()
      // Maintained counters, so statistics never scan the delivery log.
      table.integer('total').notNullable().defaultTo(0)
      table.integer('sent').notNullable().defaultTo(0)
      table.integer('failed').notNullable().defaultTo(0)
      table.integer('skipped').notNullable().defaultTo(0)
      table.timestamp('started_at').nullable()
      table.timestamp('completed_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()

      table.unique(['mailing_id', 'occurrence_at'])
      table.index(['tenant_id', 'created_at'])
      table.index(['status'])
    })

    this.schema.createTable('deliveries', (table) => {
      table.bigIncrements('id').notNullable()
      table
        .integer('run_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('mailing_runs')
        .onDelete('CASCADE')
      table.integer('tenant_id').unsigned().notNullable()
      // Kept when the client is deleted later: the log must still say who.
      table
        .integer('client_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('clients')
        .onDelete('SET NULL')
      table.string('email', 254).notNullable()
      table.string('full_name', 200).notNullable().defaultTo('')
      // queued | sending | sent | failed | skipped (| bounced | complained, 36)
      table.string('status', 16).notNullable()
      table.string('reason', 500).nullable()
      table.integer('attempts').notNullable().defaultTo(0)
      table.timestamp('next_attempt_at').nullable()
      table.timestamp('sent_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()

      table.unique(['run_id', 'client_id'])
      table.index(['run_id', 'status', 'id'])
      table.index(['tenant_id', 'email'])
    })

    this.schema.createTable('delivery_attempts', (table) => {
      table.bigIncrements('id').notNullable()
      table
        .bigInteger('delivery_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('deliveries')
        .onDelete('CASCADE')
      table.integer('run_id').unsigned().notNullable()
      // sent | transient | permanent | paused
      table.string('outcome', 16).notNullable()
      table.integer('smtp_code').nullable()
      table.text('response').nullable()
      table.integer('duration_ms').notNullable()
      table.timestamp('attempted_at').notNullable()

      table.index(['delivery_id'])
      table.index(['run_id', 'attempted_at'])
    })
  }

  async down() {
    this.schema.dropTable('delivery_attempts')
    this.schema.dropTable('deliveries')
    this.schema.dropTable('mailing_runs')
  }
}
