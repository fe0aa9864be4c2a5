import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Two-factor log-in: the TOTP time step of the last code a user logged in
 * with. A code stays valid for its 30-second step and the steps either side
 * (clock drift); remembering the step that was used refuses the same code,
 * or an older one, seen over a shoulder or replayed from a proxy log, within
 * that window (RFC 6238 §5.2).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('users', (table) => {
      table.bigInteger('two_factor_last_time_step').nullable()
    })
  }

  async down() {
    this.schema.raw('ALTER TABLE users DROP COLUMN two_factor_last_time_step')
  }
}
