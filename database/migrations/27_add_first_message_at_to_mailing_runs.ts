import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * When a run's first message was tried: set once, by a conditional update,
 * by the process whose try came first (app/sending/run_lateness.ts), which
 * is how exactly one process observes the run's lateness in its metrics.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('mailing_runs', (table) => {
      table.timestamp('first_message_at').nullable()
    })
  }

  async down() {
    this.schema.alterTable('mailing_runs', (table) => {
      table.dropColumn('first_message_at')
    })
  }
}
