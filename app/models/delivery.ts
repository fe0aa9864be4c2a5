import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import MailingRun from '#models/mailing_run'
import DeliveryAttempt from '#models/delivery_attempt'

export const DELIVERY_STATUSES = [
  'queued',
  'sending',
  'sent',
  'failed',
  'skipped',
  'bounced',
  'complained',
] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/**
 * One recipient of one run. Ends `sent`, `failed` or `skipped`, after one
 * or more attempts; `sending` marks the one worker that holds it. A `sent`
 * one becomes `bounced` or `complained` when the recipient's server or
 * mailbox provider reports back (app/actions/bounces/record_bounce.ts).
 */
export default class Delivery extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare runId: number

  @column()
  declare tenantId: number

  @column()
  declare clientId: number | null

  @column()
  declare email: string

  @column()
  declare fullName: string

  @column()
  declare status: DeliveryStatus

  @column()
  declare reason: string | null

  @column()
  declare attempts: number

  @column.dateTime()
  declare nextAttemptAt: DateTime | null

  @column.dateTime()
  declare sentAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => MailingRun, { foreignKey: 'runId' })
  declare run: BelongsTo<typeof MailingRun>

  @hasMany(() => DeliveryAttempt)
  declare attemptLog: HasMany<typeof DeliveryAttempt>
}
