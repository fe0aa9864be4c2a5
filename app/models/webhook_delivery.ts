import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, hasMany, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import WebhookMessage from '#models/webhook_message'
import WebhookAttempt from '#models/webhook_attempt'

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number]

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

  /**
   * With what the delivery log shows: its message and its attempts, oldest first.
   */
  static withLog = scope((query: ModelQueryBuilderContract<typeof WebhookDelivery>) => {
    query.preload('message').preload('attemptLog', (attempts) => attempts.orderBy('id'))
  })
}
