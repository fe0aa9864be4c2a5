import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * One row per batch of view counts moved from Redis into posts.views_count,
 * written in the same transaction as the counts: a batch retried after a
 * crash is recognised and not counted twice.
 */
export default class extends BaseSchema {
  protected tableName = 'post_view_flushes'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.string('batch_id', 36).primary()
      table.timestamp('flushed_at').notNullable().index()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
