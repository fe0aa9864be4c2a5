import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/**
 * Why an address is suppressed, weakest first: a stronger reason replaces a
 * weaker one (an unsubscribed address that later draws a complaint is
 * recorded as a complaint), never the other way round.
 */
export const SUPPRESSION_REASONS = ['unsubscribed', 'manual', 'hard_bounce', 'complaint'] as const
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number]

/**
 * An address a workspace never mails again (migration 32), whatever becomes
 * of the client that had it.
 */
export default class Suppression extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare email: string

  @column()
  declare reason: SuppressionReason

  @column()
  declare source: string

  @column()
  declare detail: string | null

  @column()
  declare deliveryId: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}
