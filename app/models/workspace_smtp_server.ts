import { DateTime } from 'luxon'
import encryption from '@adonisjs/core/services/encryption'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/**
 * How the connection to a workspace's server is secured: `none` (plain
 * text, STARTTLS never tried), `starttls` (STARTTLS required: the server
 * must offer it, or nothing is sent), `implicit` (TLS from the first byte,
 * usually port 465).
 */
export const SMTP_TLS_MODES = ['none', 'starttls', 'implicit'] as const
export type SmtpTlsMode = (typeof SMTP_TLS_MODES)[number]

/**
 * A workspace's own SMTP server (migration 34).
 */
export default class WorkspaceSmtpServer extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare host: string

  @column()
  declare port: number

  @column()
  declare tlsMode: SmtpTlsMode

  @column()
  declare username: string | null

  /**
   * Encrypted with APP_KEY (it must be read back to log in to the server),
   * never serialized, never shown again on the page.
   */
  @column({
    serializeAs: null,
    prepare: (value: string | null) => (value === null ? null : encryption.encrypt(value)),
    consume: (value: string | null) =>
      value === null ? null : (encryption.decrypt<string>(value) ?? null),
  })
  declare password: string | null

  @column()
  declare poolSize: number

  @column()
  declare sendRate: number | null

  @column()
  declare version: number

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}
