import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import Mailing from '#models/mailing'
import Delivery from '#models/delivery'

export const RUN_STATUSES = ['running', 'paused', 'completed', 'missed'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/**
 * One execution of a mailing, for one occurrence. Its recipients are fixed
 * (as deliveries) when it starts.
 */
export default class MailingRun extends BaseModel {
  static table = 'mailing_runs'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare mailingId: number

  @column.dateTime()
  declare occurrenceAt: DateTime

  @column()
  declare status: RunStatus

  @column()
  declare statusReason: string | null

  @column()
  declare total: number

  @column()
  declare sent: number

  @column()
  declare failed: number

  @column()
  declare skipped: number

  /**
   * Sent deliveries reported back as bounced or complained of afterwards
   * (still counted in `sent`; migration 36).
   */
  @column()
  declare bounced: number

  @column()
  declare complained: number

  @column.dateTime()
  declare startedAt: DateTime | null

  @column.dateTime()
  declare completedAt: DateTime | null

  /**
   * When the run's first message was tried (app/sending/run_lateness.ts).
   */
  @column.dateTime()
  declare firstMessageAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => Mailing)
  declare mailing: BelongsTo<typeof Mailing>

  @hasMany(() => Delivery, { foreignKey: 'runId' })
  declare deliveries: HasMany<typeof Delivery>

  /**
   * Deliveries with a final status.
   */
  get done() {
    return this.sent + this.failed + this.skipped
  }

  get successRate() {
    const attempted = this.sent + this.failed
    return attempted === 0 ? null : this.sent / attempted
  }
}
