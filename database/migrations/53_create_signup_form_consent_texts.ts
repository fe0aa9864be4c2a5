import { createHash } from 'node:crypto'
import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The consent text recorded is the text shown (app/audiences/consent_texts.ts):
 * - `signup_form_consent_texts`: every consent text a form has had, by
 *   version (64 bits of the text's SHA-256), so a page or snippet shown
 *   before an edit records the words it showed; unique
 *   (signup_form_id, version) is the lookup and the ON CONFLICT target;
 * - `consents.consent_text_matched`: true when the recorded text is the
 *   version the posting page named, false when it named none or an unknown
 *   one (the form's text at the time is recorded then), null for records
 *   made before this and for other consents (the preference page's).
 *
 * The forms' current texts are their first versions. Pages already open
 * and snippets already pasted carry no version: they record the current
 * text, marked unmatched, as before.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('signup_form_consent_texts', (table) => {
      table.increments('id')
      table
        .integer('signup_form_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('signup_forms')
        .onDelete('CASCADE')
      table.string('version', 16).notNullable()
      table.text('text').notNullable()
      table.timestamp('created_at').notNullable()
      table.unique(['signup_form_id', 'version'])
    })
    this.schema.alterTable('consents', (table) => {
      table.boolean('consent_text_matched').nullable()
    })
    this.defer(async (db) => {
      const forms = await db
        .from('signup_forms')
        .select('id', 'consent_text', 'updated_at', 'created_at')
      for (const form of forms) {
        await db.table('signup_form_consent_texts').insert({
          signup_form_id: form.id,
          version: createHash('sha256')
            .update(form.consent_text, 'utf8')
            .digest('hex')
            .slice(0, 16),
          text: form.consent_text,
          created_at: form.updated_at ?? form.created_at,
        })
      }
    })
  }

  async down() {
    this.schema.alterTable('consents', (table) => {
      table.dropColumn('consent_text_matched')
    })
    this.schema.dropTable('signup_form_consent_texts')
  }
}
