import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import WebhookMessage from '#models/webhook_message'
import WebhookAttempt from '#models/webhook_attempt'

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed'

/**
 * One message for one endpoint: pending until a 2xx answer (succeeded) or
 * the last scheduled attempt (failed).
 */
export default class WebhookDelivery extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare endpointId: number

  @column()
  declare messageId: string

  @column()
  declare status: WebhookDeliveryStatus

  /**
   * Attempts since it was queued (or redelivered): the place in the
   * retry schedule.
   */
  @column()
  declare attempts: number

  @column.dateTime()
  declare nextAttemptAt: DateTime | null

  @column.dateTime()
  declare lastAttemptAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => WebhookMessage, { foreignKey: 'messageId' })
  declare message: BelongsTo<typeof WebhookMessage>

  @hasMany(() => WebhookAttempt, { foreignKey: 'deliveryId' })
  declare attemptLog: HasMany<typeof WebhookAttempt>
}
