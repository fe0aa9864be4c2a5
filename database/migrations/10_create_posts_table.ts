import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Blog posts written by content managers. The Markdown is kept for editing;
 * its sanitised HTML is stored when saving so a view never renders Markdown.
 */
export default class extends BaseSchema {
  protected tableName = 'posts'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id').notNullable()
      table.string('title', 200).notNullable()
      table.string('slug', 200).notNullable().unique()
      table.string('excerpt', 300).notNullable().defaultTo('')
      table.text('body_markdown').notNullable()
      table.text('body_html').notNullable()
      // A random file name under UPLOADS_PATH/covers; a new upload gets a new name.
      table.string('cover_name', 64).nullable()
      // Null: a draft. In the future: scheduled. Otherwise public.
      table.timestamp('published_at').nullable()
      table.integer('views_count').notNullable().defaultTo(0)
      table
        .integer('author_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()

      // The public list: published ones, newest first.
      table.index(['published_at', 'id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
