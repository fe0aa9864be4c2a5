import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import User from '#models/user'
import { sqlTime } from '#services/database/sql_time'

/**
 * One password-reset link. Only a SHA-256 of the secret is stored, and
 * `usedAt` makes the link single-use.
 */
export default class PasswordResetToken extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column({ serializeAs: null })
  declare tokenHash: string

  @column.dateTime()
  declare expiresAt: DateTime

  @column.dateTime()
  declare usedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  /**
   * What is stored of a link's secret.
   */
  static hashOf(token: string) {
    return createHash('sha256').update(token).digest('hex')
  }

  /**
   * The unused, unexpired token of a link, with its user; null otherwise.
   */
  static findUsable(token: string, client?: TransactionClientContract) {
    return PasswordResetToken.query({ client })
      .where('token_hash', PasswordResetToken.hashOf(token))
      .whereNull('used_at')
      .where('expires_at', '>', sqlTime())
      .preload('user')
      .first()
  }
}
