import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/**
 * One HTTP request to an endpoint: the answer's status code (none when it
 * never answered), how long it took, the start of its body, or why it
 * could not be made.
 */
export default class WebhookAttempt extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare deliveryId: number

  @column()
  declare statusCode: number | null

  @column()
  declare durationMs: number

  @column()
  declare responseExcerpt: string | null

  @column()
  declare error: string | null

  @column.dateTime()
  declare attemptedAt: DateTime

  /**
   * When the next attempt was scheduled, or null after the last one.
   */
  @column.dateTime()
  declare nextAttemptAt: DateTime | null

  get succeeded() {
    return this.statusCode !== null && this.statusCode >= 200 && this.statusCode < 300
  }
}
