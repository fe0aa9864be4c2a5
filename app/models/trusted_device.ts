import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'

/**
 * A browser a user chose to "remember for 30 days" after a two-factor
 * log-in: a log-in from it asks for the password only. The browser holds a
 * random secret in an encrypted cookie; only its sha256 is stored
 * (app/two_factor/trusted_devices.ts). Listed and revocable on the Security
 * page; all go when two-factor log-in is turned off or the password changes.
 */
export default class TrustedDevice extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column({ serializeAs: null })
  declare tokenHash: string

  @column()
  declare userAgent: string | null

  @column()
  declare ip: string | null

  @column.dateTime()
  declare expiresAt: DateTime

  @column.dateTime()
  declare lastUsedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>
}
