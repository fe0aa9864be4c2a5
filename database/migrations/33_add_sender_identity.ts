import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Who a workspace's mail is from (Settings → Sending) and the domains it has
 * proved it may send as.
 *
 * On tenants: the From name and address and the Reply-To the workspace
 * chose (all optional). The From address is used only while its domain is a
 * verified row below; until then mail leaves from the operator's
 * MAIL_FROM_ADDRESS with the workspace's name (app/sending/sender_identity.ts).
 *
 * sending_domains: one row per domain a workspace added, with its ownership
 * token and its DKIM key pair (the private key encrypted with APP_KEY), the
 * result of the last DNS check (JSON) and when it became verified or lost
 * that. `verified_at` not null is the one test "may send as this domain".
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('tenants', (table) => {
      table.string('sender_name', 100).nullable()
      table.string('sender_email', 254).nullable()
      table.string('reply_to', 254).nullable()
    })

    this.schema.createTable('sending_domains', (table) => {
      table.increments('id').notNullable()
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      // Lowercase ASCII (IDNs in punycode), at most 253 characters.
      table.string('domain', 253).notNullable()
      table.string('verification_token', 64).notNullable()
      table.string('dkim_selector', 63).notNullable()
      table.text('dkim_public_key').notNullable()
      // Encrypted with APP_KEY (the encryption service): signing needs it back.
      table.text('dkim_private_key').notNullable()
      table.timestamp('verified_at').nullable()
      // Set when a check found a verified domain's records gone; cleared
      // when it is verified again.
      table.timestamp('verification_lost_at').nullable()
      table.timestamp('checked_at').nullable()
      table.text('check_results').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()

      table.unique(['tenant_id', 'domain'])
      // Two workspaces may both prove the same domain (each its own token);
      // their DKIM selectors must then differ, or one key would shadow the other.
      table.unique(['domain', 'dkim_selector'])
      // The daily recheck walks every domain by check time.
      table.index(['checked_at'])
    })
  }

  async down() {
    this.schema.dropTable('sending_domains')
    this.schema.alterTable('tenants', (table) => {
      table.dropColumn('sender_name')
      table.dropColumn('sender_email')
      table.dropColumn('reply_to')
    })
  }
}
