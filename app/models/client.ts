import { DateTime } from 'luxon'
import { BaseModel, beforeSave, belongsTo, column, manyToMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, ManyToMany } from '@adonisjs/lucid/types/relations'
import Tenant from '#models/tenant'
import Tag from '#models/tag'
import type { AttributeValues } from '#audiences/attribute_values'

/**
 * subscribed: mailed; pending: signed up through a form, not yet confirmed
 * (never mailed); unsubscribed: asked for no more mail.
 */
export const CLIENT_STATES = ['subscribed', 'pending', 'unsubscribed'] as const
export type ClientState = (typeof CLIENT_STATES)[number]

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

  /**
   * Values of the workspace's custom attributes, by key (one JSON object:
   * jsonb on PostgreSQL, text on SQLite).
   */
  @column({
    prepare: (value: AttributeValues) => JSON.stringify(value ?? {}),
    consume: (value: string | AttributeValues | null) =>
      typeof value === 'string' ? JSON.parse(value) : (value ?? {}),
  })
  declare attributes: AttributeValues

  /**
   * Set while a sign-up through a form awaits its confirmation.
   */
  @column.dateTime()
  declare pendingAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => Tenant)
  declare tenant: BelongsTo<typeof Tenant>

  @manyToMany(() => Tag, { pivotTable: 'client_tags' })
  declare tags: ManyToMany<typeof Tag>

  @beforeSave()
  static normalizeEmail(client: Client) {
    if (client.$dirty.email) {
      client.email = client.email.trim().toLowerCase()
    }
  }

  get isUnsubscribed() {
    return this.unsubscribedAt !== null
  }

  get state(): ClientState {
    if (this.unsubscribedAt !== null) return 'unsubscribed'
    return this.pendingAt !== null ? 'pending' : 'subscribed'
  }
}
