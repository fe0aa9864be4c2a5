import type { Knex } from 'knex'
import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Audiences (issue 15): tags, typed custom attributes, saved segments,
 * public sign-up forms with double opt-in and the consent they record.
 *
 * - `tags` / `client_tags`: many tags per client. The join's primary key
 *   (tag_id, client_id) counts a tag's clients and finds them for "has any";
 *   (client_id, tag_id) answers "which tags has this client" and the
 *   correlated EXISTS of segments.
 * - `attribute_definitions`: the workspace's typed fields; their values live
 *   in `clients.attributes`, one JSON object keyed by the definition's key
 *   (jsonb on PostgreSQL, JSON text on SQLite), validated on every write.
 * - `clients.pending_at`: set while a sign-up awaits its confirmation;
 *   pending clients are never mailed.
 * - `segments`: `{ match, conditions }` as JSON (app/audiences/segment_definition.ts).
 * - `mailings.segment_id` / `mailing_tags`: the audiences "a segment" and
 *   "some tags".
 * - `signup_forms` (+ the tags they give and the attributes they ask) and
 *   `consents`: one row per sign-up request, with the words shown, the time
 *   and the address it came from; confirmed_at once the link is clicked.
 */
export default class extends BaseSchema {
  async up() {
    const jsonType = this.db.dialect.name === 'postgres' ? 'jsonb' : 'text'

    this.schema.createTable('tags', (table) => {
      table.increments('id').notNullable()
      tenantColumn(table)
      table.string('name', 60).notNullable()
      // Lower-cased name: one "VIP" per workspace, however it is typed.
      table.string('name_key', 60).notNullable()
      // Topics are offered on the preference page.
      table.boolean('is_topic').notNullable().defaultTo(false)
      table.string('description', 300).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id', 'name_key'])
    })

    this.schema.createTable('client_tags', (table) => {
      table
        .integer('tag_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tags')
        .onDelete('CASCADE')
      table
        .integer('client_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('clients')
        .onDelete('CASCADE')
      table.primary(['tag_id', 'client_id'])
      table.index(['client_id', 'tag_id'])
    })

    this.schema.createTable('attribute_definitions', (table) => {
      table.increments('id').notNullable()
      tenantColumn(table)
      // `company`: what placeholders, the API and CSV headers use.
      table.string('key', 40).notNullable()
      table.string('label', 100).notNullable()
      // text | number | date | boolean | choice
      table.string('type', 16).notNullable()
      // The allowed values of a choice, as a JSON array of strings.
      table.text('choices').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id', 'key'])
    })

    this.schema.alterTable('clients', (table) => {
      table.specificType('attributes', jsonType).notNullable().defaultTo('{}')
      table.timestamp('pending_at').nullable()
    })

    this.schema.createTable('segments', (table) => {
      table.increments('id').notNullable()
      tenantColumn(table)
      table.string('name', 100).notNullable()
      table.text('definition').notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id', 'name'])
    })

    this.schema.alterTable('mailings', (table) => {
      // RESTRICT: a segment a mailing uses cannot be deleted under it.
      table
        .integer('segment_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('segments')
        .onDelete('RESTRICT')
      table.index(['segment_id'])
    })

    this.schema.createTable('mailing_tags', (table) => {
      table
        .integer('mailing_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('mailings')
        .onDelete('CASCADE')
      table
        .integer('tag_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tags')
        .onDelete('RESTRICT')
      table.primary(['mailing_id', 'tag_id'])
      table.index(['tag_id'])
    })

    this.schema.createTable('signup_forms', (table) => {
      table.increments('id').notNullable()
      tenantColumn(table)
      table.string('name', 100).notNullable()
      // The public part of /f/<token>: random, unguessable, never an id.
      table.string('public_token', 40).notNullable().unique()
      table.string('title', 200).notNullable()
      table.text('intro').nullable()
      table.boolean('ask_name').notNullable().defaultTo(true)
      // The words next to the button: recorded with each consent.
      table.text('consent_text').notNullable()
      table.text('success_text').notNullable()
      table.text('confirmed_text').notNullable()
      table.string('confirmation_subject', 200).notNullable()
      table.text('confirmation_body').notNullable()
      // Where the hosted success page sends the visitor back to, if set.
      table.string('redirect_url', 2000).nullable()
      table.boolean('is_enabled').notNullable().defaultTo(true)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.index(['tenant_id', 'created_at'])
    })

    this.schema.createTable('signup_form_tags', (table) => {
      table
        .integer('signup_form_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('signup_forms')
        .onDelete('CASCADE')
      table
        .integer('tag_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tags')
        .onDelete('RESTRICT')
      table.primary(['signup_form_id', 'tag_id'])
      table.index(['tag_id'])
    })

    this.schema.createTable('signup_form_attributes', (table) => {
      table
        .integer('signup_form_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('signup_forms')
        .onDelete('CASCADE')
      table
        .integer('attribute_definition_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('attribute_definitions')
        .onDelete('CASCADE')
      table.boolean('is_required').notNullable().defaultTo(false)
      table.integer('position').notNullable().defaultTo(0)
      table.primary(['signup_form_id', 'attribute_definition_id'])
      table.index(['attribute_definition_id'])
    })

    this.schema.createTable('consents', (table) => {
      table.increments('id').notNullable()
      tenantColumn(table)
      table
        .integer('signup_form_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('signup_forms')
        .onDelete('SET NULL')
      // Kept when the client is deleted: the record of consent outlives it.
      table
        .integer('client_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('clients')
        .onDelete('SET NULL')
      table.string('email', 254).notNullable()
      table.string('ip', 45).nullable()
      table.string('user_agent', 300).nullable()
      table.text('consent_text').notNullable()
      // What the visitor typed (name, attributes), applied on confirmation.
      table.text('submitted').notNullable().defaultTo('{}')
      table.timestamp('confirmed_at').nullable()
      table.timestamp('created_at').notNullable()
      table.index(['tenant_id', 'email'])
      table.index(['tenant_id', 'created_at'])
      table.index(['client_id'])
    })
  }

  async down() {
    this.schema.dropTable('consents')
    this.schema.dropTable('signup_form_attributes')
    this.schema.dropTable('signup_form_tags')
    this.schema.dropTable('signup_forms')
    this.schema.dropTable('mailing_tags')
    this.schema.alterTable('mailings', (table) => {
      table.dropForeign(['segment_id'])
      table.dropIndex(['segment_id'])
      table.dropColumn('segment_id')
    })
    this.schema.dropTable('segments')
    this.schema.alterTable('clients', (table) => {
      table.dropColumn('attributes')
      table.dropColumn('pending_at')
    })
    this.schema.dropTable('attribute_definitions')
    this.schema.dropTable('client_tags')
    this.schema.dropTable('tags')
  }
}

function tenantColumn(table: Knex.CreateTableBuilder) {
  table
    .integer('tenant_id')
    .unsigned()
    .notNullable()
    .references('id')
    .inTable('tenants')
    .onDelete('CASCADE')
}
