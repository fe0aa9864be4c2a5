import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'boolean', 'choice'] as const
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number]

/**
 * A typed custom field of a workspace's clients. Values live in
 * `clients.attributes` under `key` and are checked against the type on every
 * write (app/audiences/attribute_values.ts).
 */
export default class AttributeDefinition extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  /**
   * `company`: lower-case letters, digits and underscores, starting with a
   * letter; what placeholders, the API and CSV headers name.
   */
  @column()
  declare key: string

  @column()
  declare label: string

  @column()
  declare type: AttributeType

  /**
   * The allowed values of a `choice`; null for the other types.
   */
  @column({
    prepare: (value: string[] | null) => (value ? JSON.stringify(value) : null),
    consume: (value: string | null) => (value ? JSON.parse(value) : null),
  })
  declare choices: string[] | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}
