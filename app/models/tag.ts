import { DateTime } from 'luxon'
import { BaseModel, beforeSave, column, manyToMany } from '@adonisjs/lucid/orm'
import type { ManyToMany } from '@adonisjs/lucid/types/relations'
import Client from '#models/client'

export const TAG_NAME_MAX_LENGTH = 60

/**
 * A label on clients of one workspace. Unique per workspace whatever its
 * case (`name_key`); renaming keeps its clients. A topic is offered to
 * clients on the preference page, to choose for themselves.
 */
export default class Tag extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare name: string

  @column({ serializeAs: null })
  declare nameKey: string

  // SQLite answers 0 or 1.
  @column({ consume: (value: number | boolean) => Boolean(value) })
  declare isTopic: boolean

  @column()
  declare description: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @manyToMany(() => Client, { pivotTable: 'client_tags' })
  declare clients: ManyToMany<typeof Client>

  @beforeSave()
  static keyName(tag: Tag) {
    if (tag.$dirty.name) {
      tag.name = tag.name.trim()
      tag.nameKey = tagNameKey(tag.name)
    }
  }
}

/**
 * What makes two tag names the same one: case and surrounding spaces aside.
 */
export function tagNameKey(name: string) {
  return name.trim().toLowerCase()
}
