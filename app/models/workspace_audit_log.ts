import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'

/**
 * One change a member made in a workspace: who, what, when and from where.
 * Written in the change's transaction (app/actions/audit/record_workspace_event.ts).
 */
export default class WorkspaceAuditLog extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare actorId: number | null

  /**
   * Copied at the time of the action, so the log still names a deleted member.
   */
  @column()
  declare actorEmail: string | null

  /**
   * A dotted verb: `client.delete`, `clients.import`, `mailing.start`,
   * `member.remove`, `invitation.create`, `token.create`...
   */
  @column()
  declare action: string

  @column()
  declare subjectType: string

  @column()
  declare subjectId: number | null

  @column()
  declare subjectLabel: string | null

  @column({
    prepare: (value: Record<string, unknown> | null) => (value ? JSON.stringify(value) : null),
    consume: (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value),
  })
  declare details: Record<string, unknown> | null

  @column()
  declare ip: string | null

  @column()
  declare userAgent: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User, { foreignKey: 'actorId' })
  declare actor: BelongsTo<typeof User>
}
