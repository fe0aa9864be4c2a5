import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Which claim a "sending" delivery is under (delivery_claims.ts): a random
 * number each claim writes on its rows. A batch renews, settles and releases
 * only the rows that still carry its own, so one that runs late (its
 * process frozen, its database connection hung) cannot touch a delivery
 * another batch took over and claimed again since. No index: the engine
 * reaches these rows by id.
 */
export default class extends BaseSchema {
  protected tableName = 'deliveries'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.bigInteger('claim_token').nullable()
    })
  }

  async down() {
    this.schema.alterTable(this.tableName, (table) => {
      table.dropColumn('claim_token')
    })
  }
}
