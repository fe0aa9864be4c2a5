import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What the staff lists filter and count by: when a mailing's status last
 * changed (the owner sees "Disabled by … on …"), mailings per creator (the
 * users list counts them) and per creation date, users per role.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('mailings', (table) => {
      table.timestamp('status_changed_at').nullable()
      table.index(['created_by_id'])
      table.index(['created_at'])
    })
    this.schema.alterTable('users', (table) => {
      table.index(['role'])
    })
  }

  async down() {
    this.schema.alterTable('users', (table) => {
      table.dropIndex(['role'])
    })
    this.schema.alterTable('mailings', (table) => {
      table.dropIndex(['created_at'])
      table.dropIndex(['created_by_id'])
      table.dropColumn('status_changed_at')
    })
  }
}
