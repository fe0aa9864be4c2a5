import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import { sqlTime } from '#services/database/sql_time'

export type PostState = 'draft' | 'scheduled' | 'published'

/**
 * A blog article. Public once `publishedAt` has passed; a draft has none.
 */
export default class Post extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare title: string

  @column()
  declare slug: string

  @column()
  declare excerpt: string

  @column()
  declare bodyMarkdown: string

  /**
   * Rendered from the Markdown and sanitised when saved.
   */
  @column()
  declare bodyHtml: string

  @column()
  declare coverName: string | null

  @column.dateTime()
  declare publishedAt: DateTime | null

  /**
   * Views flushed from Redis by FlushPostViewsJob: a minute or so behind.
   */
  @column()
  declare viewsCount: number

  @column()
  declare authorId: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  /**
   * What the public sees: published, and the publication time has come
   * (scheduled posts appear by themselves, no job involved).
   */
  static published = scope((query) => {
    query.whereNotNull('published_at').where('published_at', '<=', sqlTime())
  })

  @belongsTo(() => User, { foreignKey: 'authorId' })
  declare author: BelongsTo<typeof User>

  get state(): PostState {
    if (!this.publishedAt) return 'draft'
    return this.publishedAt > DateTime.now() ? 'scheduled' : 'published'
  }
}
