import { createHash, randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Tenant from '#models/tenant'
import User from '#models/user'
import type { WorkspaceRole } from '#teams/workspace_roles'

/**
 * An address asked to join a workspace with a role. Only a SHA-256 of the
 * link's secret is kept, so a copy of the database opens no workspace; the
 * row stays once accepted, revoked or expired, as the workspace's history.
 */
export default class Invitation extends BaseModel {
  /**
   * How long a link works: a week is enough to find the mail after a few
   * days away, short enough that an old mail found later opens nothing.
   */
  static LIFETIME_DAYS = 7

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  /**
   * Lowercased, as users.email is.
   */
  @column()
  declare email: string

  @column()
  declare role: WorkspaceRole

  @column({ serializeAs: null })
  declare tokenHash: string

  @column()
  declare invitedById: number | null

  @column.dateTime()
  declare expiresAt: DateTime

  @column.dateTime()
  declare acceptedAt: DateTime | null

  @column()
  declare acceptedById: number | null

  @column.dateTime()
  declare revokedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => Tenant)
  declare tenant: BelongsTo<typeof Tenant>

  @belongsTo(() => User, { foreignKey: 'invitedById' })
  declare invitedBy: BelongsTo<typeof User>

  /**
   * A new link secret: 32 random bytes, base64url (43 characters).
   */
  static newToken() {
    return randomBytes(32).toString('base64url')
  }

  /**
   * What is stored of a link's secret.
   */
  static hashOf(token: string) {
    return createHash('sha256').update(token).digest('hex')
  }

  /**
   * Neither accepted, revoked, nor expired: its link still opens the
   * workspace.
   */
  get isPending() {
    return this.acceptedAt === null && this.revokedAt === null && this.expiresAt > DateTime.now()
  }
}
