import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import encryption from '@adonisjs/core/services/encryption'
import WebhookDelivery from '#models/webhook_delivery'

export const WEBHOOK_EVENT_TYPES = [
  'mailing.run.started',
  'mailing.run.completed',
  'message.sent',
  'message.failed',
  'client.unsubscribed',
  'client.suppressed',
  'message.bounced',
  'client.complained',
  'client.subscribed',
  'client.updated',
] as const
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

/**
 * What a message may be: an event, or the test an owner sends from Settings
 * (to one endpoint, whatever it subscribed to).
 */
export type WebhookMessageType = WebhookEventType | 'webhook.test'

/**
 * A URL of a workspace's other systems that hears about the events it
 * chose, signed with its own `whsec_` secret.
 */
export default class WebhookEndpoint extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare url: string

  @column()
  declare description: string | null

  @column({
    prepare: (value: WebhookEventType[]) => JSON.stringify(value),
    consume: (value: string | WebhookEventType[]) =>
      typeof value === 'string' ? JSON.parse(value) : value,
  })
  declare events: WebhookEventType[]

  @column({ consume: (value: number | boolean) => Boolean(value) })
  declare enabled: boolean

  @column()
  declare disabledReason: string | null

  /**
   * Stored encrypted (APP_KEY), not hashed: unlike a password, the secret
   * must be read back to sign every message, and shown again in Settings.
   */
  @column({
    serializeAs: null,
    prepare: (value: string) => encryption.encrypt(value),
    consume: (value: string) => encryption.decrypt<string>(value) ?? '',
  })
  declare secret: string

  @column.dateTime()
  declare failingSince: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @hasMany(() => WebhookDelivery, { foreignKey: 'endpointId' })
  declare deliveries: HasMany<typeof WebhookDelivery>

  /**
   * One of this endpoint's deliveries, by id (404 otherwise), with its
   * message and attempts: what the API answers about it.
   */
  findDelivery(id: number | string) {
    return WebhookDelivery.query()
      .where('endpoint_id', this.id)
      .where('id', id)
      .withScopes((scopes) => scopes.withLog())
      .firstOrFail()
  }
}
