import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Outcome webhooks: a workspace's endpoints, and an outbox of what happened
 * (messages) with one delivery per subscribed endpoint and its attempt log.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('webhook_endpoints', (table) => {
      table.increments('id').notNullable()
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.string('url', 2000).notNullable()
      table.string('description', 200).nullable()
      // The event types it wants, as a JSON array.
      table.text('events').notNullable()
      table.boolean('enabled').notNullable().defaultTo(true)
      table.text('disabled_reason').nullable()
      // Encrypted with APP_KEY: it must be readable to sign.
      table.text('secret').notNullable()
      // Set by the first failed attempt after a success, cleared by a success.
      table.timestamp('failing_since').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()

      table.index(['tenant_id', 'enabled'])
    })

    this.schema.createTable('webhook_messages', (table) => {
      // `msg_…`: the webhook-id header, the same on every attempt.
      table.string('id', 40).primary()
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.string('type', 60).notNullable()
      table.text('payload').notNullable()
      table.timestamp('created_at').notNullable()
    })

    this.schema.createTable('webhook_deliveries', (table) => {
      table.increments('id').notNullable()
      table
        .integer('endpoint_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('webhook_endpoints')
        .onDelete('CASCADE')
      table
        .string('message_id', 40)
        .notNullable()
        .references('id')
        .inTable('webhook_messages')
        .onDelete('CASCADE')
      table.string('status', 20).notNullable().defaultTo('pending')
      table.integer('attempts').notNullable().defaultTo(0)
      table.timestamp('next_attempt_at').nullable()
      table.timestamp('last_attempt_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()

      table.unique(['endpoint_id', 'message_id'])
      // The dispatcher's scan (due deliveries) and an endpoint's drain in order.
      table.index(['status', 'next_attempt_at'])
      table.index(['endpoint_id', 'status', 'next_attempt_at', 'id'])
    })

    this.schema.createTable('webhook_attempts', (table) => {
      table.increments('id').notNullable()
      table
        .integer('delivery_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('webhook_deliveries')
        .onDelete('CASCADE')
      table.integer('status_code').nullable()
      table.integer('duration_ms').notNullable()
      table.text('response_excerpt').nullable()
      table.text('error').nullable()
      table.timestamp('attempted_at').notNullable()
      // When the next one was scheduled (retry schedule or Retry-After); null
      // after a success or the last attempt.
      table.timestamp('next_attempt_at').nullable()

      table.index(['delivery_id', 'id'])
    })
  }

  async down() {
    this.schema.dropTable('webhook_attempts')
    this.schema.dropTable('webhook_deliveries')
    this.schema.dropTable('webhook_messages')
    this.schema.dropTable('webhook_endpoints')
  }
}
