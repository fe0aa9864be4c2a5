import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Teams: a person no longer belongs to exactly one workspace (memberships,
 * the next migration), so `users.tenant_id` becomes "the workspace they were
 * last in" (where a log-in lands): nullable, and cleared, not cascaded, when
 * that workspace is deleted. Before, deleting a workspace deleted its user.
 *
 * SQLite cannot change a column in place: knex copies the table. Inside a
 * transaction it could not switch foreign keys off, and dropping the old
 * `users` table would then run every ON DELETE CASCADE that points at it
 * (sessions, tokens, mailings' authors...). Outside one, knex turns foreign
 * keys off for the copy and checks them after. Hence no transaction here, and
 * nothing else in this migration.
 */
export default class extends BaseSchema {
  static disableTransactions = true

  async up() {
    this.schema.alterTable('users', (table) => {
      table.dropForeign(['tenant_id'])
    })
    this.schema.alterTable('users', (table) => {
      table.integer('tenant_id').unsigned().nullable().alter()
      table.foreign('tenant_id').references('id').inTable('tenants').onDelete('SET NULL')
    })
  }

  async down() {
    // A person in no workspace (an invitee who left, a member of a deleted
    // one) has none to be given back: refused, rather than half done.
    this.defer(async (db) => {
      const homeless = await db.from('users').whereNull('tenant_id').count('* as total')
      if (Number(homeless[0].total) > 0) {
        throw new Error(
          `${homeless[0].total} users belong to no workspace; before teams every user had one. Give them one (or delete them) first.`
        )
      }
    })
    this.schema.alterTable('users', (table) => {
      table.dropForeign(['tenant_id'])
    })
    this.schema.alterTable('users', (table) => {
      table.integer('tenant_id').unsigned().notNullable().alter()
      table.foreign('tenant_id').references('id').inTable('tenants').onDelete('CASCADE')
    })
  }
}
