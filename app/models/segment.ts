import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { SegmentDefinition } from '#audiences/segment_definition'

/**
 * A saved condition over a workspace's clients: evaluated in the database
 * whenever it is used (a list, a count, each run of a mailing), so it always
 * means whoever matches now.
 */
export default class Segment extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare name: string

  @column({
    prepare: (value: SegmentDefinition) => JSON.stringify(value),
    consume: (value: string) => JSON.parse(value),
  })
  declare definition: SegmentDefinition

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}
