import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export const ATTEMPT_OUTCOMES = ['sent', 'transient', 'permanent', 'paused'] as const
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number]

/**
 * One try to hand a delivery to the mail server, as the delivery log shows
 * it: when, what came of it, the server's reply code and text, how long.
 */
export default class DeliveryAttempt extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare deliveryId: number

  @column()
  declare runId: number

  @column()
  declare outcome: AttemptOutcome

  @column()
  declare smtpCode: number | null

  @column()
  declare response: string | null

  @column()
  declare durationMs: number

  @column.dateTime()
  declare attemptedAt: DateTime
}
