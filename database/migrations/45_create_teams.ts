import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Teams (issue 16):
 * - `memberships`: who belongs to which workspace, with their workspace role
 *   (owner, admin, editor, viewer). Every existing user becomes the owner of
 *   the workspace they had.
 * - `invitations`: an address asked to join with a role; only a hash of the
 *   link's secret is kept; accepted, revoked or expired ones stay as history.
 * - `auth_access_tokens.tenant_id`: an API token acts in one workspace, as
 *   one member; existing tokens act in their user's workspace.
 * - two-factor log-in: the user's TOTP secret (encrypted with APP_KEY: the
 *   server needs it back), hashed single-use recovery codes, and devices
 *   remembered for 30 days (a hash of the cookie's secret).
 * - `tenants.require_two_factor`: members must use 2FA to act in it.
 * - `workspace_audit_logs`: every change a member makes, who, what, when and
 *   from where, written in the change's transaction.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('memberships', (table) => {
      table.increments('id')
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('role', 10).notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id', 'user_id'])
      // A user's workspaces (the switcher, every request's membership check).
      table.index(['user_id'])
    })

    this.schema.createTable('invitations', (table) => {
      table.increments('id')
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      // Lowercased, as users.email is compared.
      table.string('email', 254).notNullable()
      table.string('role', 10).notNullable()
      // SHA-256 of the link's secret, hex.
      table.string('token_hash', 64).notNullable().unique()
      table
        .integer('invited_by_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.timestamp('expires_at').notNullable()
      table.timestamp('accepted_at').nullable()
      table
        .integer('accepted_by_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.timestamp('revoked_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.index(['tenant_id', 'email'])
      table.index(['email'])
    })

    // On SQLite a rollback leaves the column (see down()): added once.
    this.defer(async (db) => {
      if (await db.schema.hasColumn('auth_access_tokens', 'tenant_id')) {
        await db.schema.alterTable('auth_access_tokens', (table) => table.index(['tenant_id']))
        return
      }
      await db.schema.alterTable('auth_access_tokens', (table) => {
        table
          .integer('tenant_id')
          .unsigned()
          .nullable()
          .references('id')
          .inTable('tenants')
          .onDelete('CASCADE')
        table.index(['tenant_id'])
      })
    })

    this.schema.alterTable('users', (table) => {
      table.text('two_factor_secret').nullable()
      table.timestamp('two_factor_enabled_at').nullable()
    })

    this.schema.createTable('two_factor_recovery_codes', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('code_hash', 64).notNullable()
      table.timestamp('used_at').nullable()
      table.timestamp('created_at').notNullable()
      table.unique(['user_id', 'code_hash'])
    })

    this.schema.createTable('trusted_devices', (table) => {
      table.increments('id')
      table
        .integer('user_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('users')
        .onDelete('CASCADE')
      table.string('token_hash', 64).notNullable().unique()
      table.string('user_agent', 300).nullable()
      table.string('ip', 45).nullable()
      table.timestamp('expires_at').notNullable()
      table.timestamp('last_used_at').nullable()
      table.timestamp('created_at').notNullable()
      table.index(['user_id'])
    })

    this.schema.alterTable('tenants', (table) => {
      table.boolean('require_two_factor').notNullable().defaultTo(false)
    })

    this.schema.createTable('workspace_audit_logs', (table) => {
      table.increments('id')
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      // Kept when the member's account is deleted: the log outlives accounts.
      table
        .integer('actor_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.string('actor_email', 254).nullable()
      // A dotted verb: `client.delete`, `mailing.start`, `member.remove`...
      table.string('action', 60).notNullable()
      table.string('subject_type', 40).notNullable()
      table.integer('subject_id').nullable()
      table.string('subject_label', 250).nullable()
      table.json('details').nullable()
      table.string('ip', 45).nullable()
      table.string('user_agent', 300).nullable()
      table.timestamp('created_at').notNullable()
      // The page reads newest first per workspace, filtered by action or actor.
      table.index(['tenant_id', 'id'])
      table.index(['tenant_id', 'action', 'id'])
      table.index(['tenant_id', 'actor_id', 'id'])
    })

    this.defer(async (db) => {
      await db.rawQuery(
        `INSERT INTO memberships (tenant_id, user_id, role, created_at, updated_at)
         SELECT tenant_id, id, 'owner', created_at, created_at FROM users
         WHERE tenant_id IS NOT NULL`
      )
      await db.rawQuery(
        `UPDATE auth_access_tokens SET tenant_id =
           (SELECT users.tenant_id FROM users WHERE users.id = auth_access_tokens.tokenable_id)`
      )
    })
  }

  /**
   * Columns go with ALTER TABLE ... DROP COLUMN, which both databases have
   * (SQLite since 3.35): knex's dropColumn copies the table on SQLite, and
   * inside this transaction dropping the old `tenants` or `users` would run
   * every ON DELETE CASCADE pointing at it. The token's workspace column
   * stays on SQLite (SQLite cannot drop a column with a foreign key): unused
   * and nullable, it does no harm.
   */
  async down() {
    // Before teams, users.tenant_id decided what a person may touch. Rolled
    // back with teams in use, it would hand each member the whole of the
    // workspace they were last in (a viewer included) and forget every
    // other membership: refused while any membership is not the one-owner
    // shape the up() made.
    this.defer(async (db) => {
      const [beyond] = await db
        .rawQuery(
          `SELECT COUNT(*) AS total FROM memberships
         LEFT JOIN users ON users.id = memberships.user_id
         WHERE memberships.role <> 'owner' OR users.tenant_id IS NULL
            OR users.tenant_id <> memberships.tenant_id`
        )
        .then((result: any) => result.rows ?? result)
      if (Number(beyond.total) > 0) {
        throw new Error(
          `Teams are in use (${beyond.total} memberships are not a person owning the workspace they were last in): rolling back would give members their last workspace whole and drop the others. Remove those memberships first, or restore a backup.`
        )
      }
    })
    this.schema.dropTable('workspace_audit_logs')
    this.schema.raw('ALTER TABLE tenants DROP COLUMN require_two_factor')
    this.schema.dropTable('trusted_devices')
    this.schema.dropTable('two_factor_recovery_codes')
    this.schema.raw('ALTER TABLE users DROP COLUMN two_factor_enabled_at')
    this.schema.raw('ALTER TABLE users DROP COLUMN two_factor_secret')
    this.schema.alterTable('auth_access_tokens', (table) => {
      table.dropIndex(['tenant_id'])
    })
    if (this.db.dialect.name === 'postgres') {
      this.schema.alterTable('auth_access_tokens', (table) => {
        table.dropForeign(['tenant_id'])
        table.dropColumn('tenant_id')
      })
    }
    this.schema.dropTable('invitations')
    this.schema.dropTable('memberships')
  }
}
