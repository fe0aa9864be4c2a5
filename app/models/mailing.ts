import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, hasMany, manyToMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany, ManyToMany } from '@adonisjs/lucid/types/relations'
import Tenant from '#models/tenant'
import Message from '#models/message'
import Client from '#models/client'
import User from '#models/user'
import MailingRun from '#models/mailing_run'
import Tag from '#models/tag'
import Segment from '#models/segment'

export const MAILING_STATUSES = ['created', 'running', 'completed', 'paused', 'disabled'] as const
export type MailingStatus = (typeof MAILING_STATUSES)[number]

export const PERIODICITIES = ['once', 'daily', 'weekly', 'monthly'] as const
export type Periodicity = (typeof PERIODICITIES)[number]

/**
 * all clients; the `selected` ones (mailing_recipients); those with any of
 * some `tags` (mailing_tags); those a `segment` matches. Fixed at each run's
 * start (app/audiences/mailing_audience.ts).
 */
export const AUDIENCES = ['all', 'selected', 'tags', 'segment'] as const
export type Audience = (typeof AUDIENCES)[number]

/**
 * A message sent to chosen clients (or all of the workspace's) inside a
 * window, once or periodically, in the workspace's time zone.
 */
export default class Mailing extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare messageId: number

  @column()
  declare name: string

  @column()
  declare audience: Audience

  /**
   * The segment of the `segment` audience.
   */
  @column()
  declare segmentId: number | null

  @column()
  declare periodicity: Periodicity

  @column.dateTime()
  declare startAt: DateTime

  @column.dateTime()
  declare endAt: DateTime

  @column()
  declare status: MailingStatus

  @column.dateTime()
  declare nextRunAt: DateTime | null

  /**
   * Why it is paused or disabled, shown to the owner.
   */
  @column()
  declare statusReason: string | null

  @column()
  declare statusChangedById: number | null

  @column.dateTime()
  declare statusChangedAt: DateTime | null

  @column()
  declare createdById: number | null

  /**
   * Deleting a mailing archives it, keeping its history.
   */
  @column.dateTime()
  declare archivedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => Tenant)
  declare tenant: BelongsTo<typeof Tenant>

  @belongsTo(() => Message)
  declare message: BelongsTo<typeof Message>

  @belongsTo(() => User, { foreignKey: 'statusChangedById' })
  declare statusChangedBy: BelongsTo<typeof User>

  @belongsTo(() => User, { foreignKey: 'createdById' })
  declare createdBy: BelongsTo<typeof User>

  @manyToMany(() => Client, { pivotTable: 'mailing_recipients' })
  declare recipients: ManyToMany<typeof Client>

  /**
   * The tags of the `tags` audience: clients with any of them.
   */
  @manyToMany(() => Tag, { pivotTable: 'mailing_tags' })
  declare tags: ManyToMany<typeof Tag>

  @belongsTo(() => Segment)
  declare segment: BelongsTo<typeof Segment>

  @hasMany(() => MailingRun)
  declare runs: HasMany<typeof MailingRun>

  /**
   * Whether a run has been made: from then on only its name and the end of
   * its window may change (the rest belongs to runs that happened).
   */
  get hasStarted() {
    return this.status !== 'created'
  }
}
