import { DateTime } from 'luxon'
import { BaseModel, beforeSave, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Tenant from '#models/tenant'

/**
 * A recipient of a workspace. The email is unique per workspace and stored
 * lower-cased.
 */
export default class Client extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare email: string

  @column()
  declare fullName: string

  @column()
  declare comment: string | null

  @column.dateTime()
  declare unsubscribedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => Tenant)
  declare tenant: BelongsTo<typeof Tenant>

  @beforeSave()
  static normalizeEmail(client: Client) {
    if (client.$dirty.email) {
      client.email = client.email.trim().toLowerCase()
    }
  }

  get isUnsubscribed() {
    return this.unsubscribedAt !== null
  }
}
