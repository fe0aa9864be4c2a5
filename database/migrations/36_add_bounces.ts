import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Bounces and complaints that come back after a message was sent
 * (app/actions/bounces/record_bounce.ts):
 *
 * - `mailing_runs.bounced` / `complained`: maintained counters of the run's
 *   deliveries that turned `bounced` or `complained` after being `sent`
 *   (they stay counted in `sent`: the server did accept them). Only
 *   RecordBounce adds to them, in the transaction that changes the
 *   delivery, so they are exact without a recount.
 * - `soft_bounce_streaks`: per workspace and address, how many of its
 *   deliveries in a row soft-bounced, and the last of them; the address is
 *   suppressed when the streak reaches SOFT_BOUNCES_TO_SUPPRESS.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('mailing_runs', (table) => {
      table.integer('bounced').notNullable().defaultTo(0)
      table.integer('complained').notNullable().defaultTo(0)
    })

    this.schema.createTable('soft_bounce_streaks', (table) => {
      table.increments('id').notNullable()
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.string('email', 254).notNullable()
      table.integer('count').notNullable()
      // The newest delivery of the streak: a delivery to the address after
      // it that stayed `sent` breaks the streak.
      table.bigInteger('last_delivery_id').notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()

      table.unique(['tenant_id', 'email'])
    })
  }

  async down() {
    this.schema.dropTable('soft_bounce_streaks')
    this.schema.alterTable('mailing_runs', (table) => {
      table.dropColumn('bounced')
      table.dropColumn('complained')
    })
  }
}
