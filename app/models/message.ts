import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import Tenant from '#models/tenant'
import Mailing from '#models/mailing'

/**
 * What is sent: a subject and a body (plain text, optionally HTML) with
 * placeholders such as {{ client.full_name }}.
 */
export default class Message extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare subject: string

  @column()
  declare bodyText: string

  /**
   * Sanitised when saved: no scripts, no event handlers.
   */
  @column()
  declare bodyHtml: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => Tenant)
  declare tenant: BelongsTo<typeof Tenant>

  @hasMany(() => Mailing)
  declare mailings: HasMany<typeof Mailing>
}
