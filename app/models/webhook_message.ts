import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { WebhookMessageType } from '#models/webhook_endpoint'

/**
 * One event as the receivers get it: `{ type, timestamp, data }`. Its id
 * (`msg_…`) is the `webhook-id` header, the same on every attempt, so a
 * receiver can drop duplicates.
 */
export default class WebhookMessage extends BaseModel {
  static selfAssignPrimaryKey = true

  @column({ isPrimary: true })
  declare id: string

  @column()
  declare tenantId: number

  @column()
  declare type: WebhookMessageType

  /**
   * The exact JSON body that is signed and sent.
   */
  @column()
  declare payload: string

  /**
   * The request that caused the event (#services/queue/work_context): the
   * delivery is logged under it.
   */
  @column()
  declare requestId: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}
