import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Sign-up forms, after review:
 * - a consent records the confirming click too (IP and browser), not only
 *   the sign-up's;
 * - a consent is made by a queued job, which names its submission so a job
 *   run twice (a retry, a stalled worker) records it once;
 * - sign-ups left without a confirmation mail because the workspace's
 *   hourly mail budget was spent are counted per form and hour, for the
 *   form pages to tell the owner (a row per hour, not per sign-up: a flood
 *   cannot grow the table by more than a row an hour per form).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('consents', (table) => {
      table.string('confirmed_ip', 45).nullable()
      table.string('confirmed_user_agent', 300).nullable()
      table.string('submission_id', 36).nullable().unique()
    })
    this.schema.createTable('signup_mail_shortfalls', (table) => {
      table.increments('id')
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table
        .integer('signup_form_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('signup_forms')
        .onDelete('CASCADE')
      table.timestamp('hour').notNullable()
      table.integer('count').notNullable().defaultTo(0)
      table.unique(['signup_form_id', 'hour'])
    })
  }

  async down() {
    this.schema.dropTable('signup_mail_shortfalls')
    this.schema.alterTable('consents', (table) => {
      table.dropUnique(['submission_id'])
      table.dropColumn('submission_id')
      table.dropColumn('confirmed_user_agent')
      table.dropColumn('confirmed_ip')
    })
  }
}
