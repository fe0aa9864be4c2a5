import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The id of the request (or, for sends, of the request that started the
 * run) that caused a webhook event, so the worker that delivers it, later
 * and under the dispatcher's own id, logs the delivery under the same id.
 * Null for events recorded before, or by work no request caused.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('webhook_messages', (table) => {
      table.string('request_id', 64).nullable()
    })
  }

  async down() {
    this.schema.alterTable('webhook_messages', (table) => {
      table.dropColumn('request_id')
    })
  }
}
