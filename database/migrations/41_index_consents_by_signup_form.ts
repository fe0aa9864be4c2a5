import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The consents of one sign-up form: the form's page counts them, and
 * deleting a form sets their `signup_form_id` to null (ON DELETE SET NULL),
 * which without an index reads every consent of every workspace.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('consents', (table) => {
      table.index(['signup_form_id', 'created_at'])
    })
  }

  async down() {
    this.schema.alterTable('consents', (table) => {
      table.dropIndex(['signup_form_id', 'created_at'])
    })
  }
}
