import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, manyToMany, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo, ManyToMany } from '@adonisjs/lucid/types/relations'
import Tenant from '#models/tenant'
import Tag from '#models/tag'
import AttributeDefinition from '#models/attribute_definition'
import { consentTextVersion } from '#audiences/consent_texts'

/**
 * A public sign-up form of a workspace: a hosted page at /f/<publicToken>
 * and an HTML snippet for the business's own site. Every sign-up is double
 * opt-in: the client stays pending until the link in the confirmation mail
 * is followed.
 */
export default class SignupForm extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare name: string

  @column()
  declare publicToken: string

  @column()
  declare title: string

  @column()
  declare intro: string | null

  // SQLite answers booleans as 0 and 1.
  @column({ consume: (value: number | boolean) => Boolean(value) })
  declare askName: boolean

  @column()
  declare consentText: string

  /**
   * The version of the consent text, which the hosted page and the snippet
   * post back (#audiences/consent_texts): the words the visitor saw are
   * recorded even after an edit.
   */
  get consentVersion() {
    return consentTextVersion(this.consentText)
  }

  @column()
  declare successText: string

  @column()
  declare confirmedText: string

  @column()
  declare confirmationSubject: string

  @column()
  declare confirmationBody: string

  @column()
  declare redirectUrl: string | null

  @column({ consume: (value: number | boolean) => Boolean(value) })
  declare isEnabled: boolean

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  /**
   * The hosted page shows the workspace's name.
   */
  @belongsTo(() => Tenant)
  declare tenant: BelongsTo<typeof Tenant>

  /**
   * Forms that take sign-ups: enabled, of a workspace no block stops
   * (BlockUser suspends the workspaces a blocked person owns: their forms
   * must not mail strangers either). The public page checks it, and so does
   * the job that records a queued sign-up, which may run after either
   * changed.
   */
  static takingSignups = scope((query) => {
    query
      .where('is_enabled', true)
      .whereNotExists((suspension) =>
        suspension
          .from('workspace_suspensions')
          .whereColumn('workspace_suspensions.tenant_id', 'signup_forms.tenant_id')
      )
  })

  /**
   * What a confirmed subscriber gets.
   */
  @manyToMany(() => Tag, { pivotTable: 'signup_form_tags' })
  declare tags: ManyToMany<typeof Tag>

  /**
   * What the form asks, in `position` order; `is_required` on the pivot.
   */
  @manyToMany(() => AttributeDefinition, {
    pivotTable: 'signup_form_attributes',
    pivotColumns: ['is_required', 'position'],
  })
  declare attributes: ManyToMany<typeof AttributeDefinition>
}
