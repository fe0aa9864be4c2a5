import { DateTime } from 'luxon'
import { BaseModel, column, hasMany, manyToMany } from '@adonisjs/lucid/orm'
import type { HasMany, ManyToMany } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import Membership from '#models/membership'
import Client from '#models/client'
import Message from '#models/message'
import Mailing from '#models/mailing'
import WebhookEndpoint from '#models/webhook_endpoint'
import SendingDomain from '#models/sending_domain'
import Suppression from '#models/suppression'
import Tag from '#models/tag'
import AttributeDefinition from '#models/attribute_definition'
import Segment from '#models/segment'
import SignupForm from '#models/signup_form'
import Consent from '#models/consent'
import Invitation from '#models/invitation'

/**
 * A business account ("workspace" in the UI). Everything a business owns
 * hangs off its tenant, and tenant queries start from here.
 */
export default class Tenant extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  /**
   * IANA time zone name, used for scheduling and displaying times.
   */
  @column()
  declare timeZone: string

  /**
   * Who its mail is from (Settings → Sending); all optional. The address is
   * used only once its domain is verified (app/sending/sender_identity.ts).
   */
  @column()
  declare senderName: string | null

  @column()
  declare senderEmail: string | null

  @column()
  declare replyTo: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  /**
   * Members must use two-factor log-in to act in this workspace.
   */
  @column({ consume: (value: number | boolean) => Boolean(value) })
  declare requireTwoFactor: boolean

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>

  @manyToMany(() => User, { pivotTable: 'memberships', pivotColumns: ['role'] })
  declare members: ManyToMany<typeof User>

  @hasMany(() => Client)
  declare clients: HasMany<typeof Client>

  @hasMany(() => Message)
  declare messages: HasMany<typeof Message>

  @hasMany(() => Mailing)
  declare mailings: HasMany<typeof Mailing>

  @hasMany(() => WebhookEndpoint)
  declare webhookEndpoints: HasMany<typeof WebhookEndpoint>

  @hasMany(() => SendingDomain)
  declare sendingDomains: HasMany<typeof SendingDomain>

  @hasMany(() => Suppression)
  declare suppressions: HasMany<typeof Suppression>

  @hasMany(() => Tag)
  declare tags: HasMany<typeof Tag>

  @hasMany(() => AttributeDefinition)
  declare attributeDefinitions: HasMany<typeof AttributeDefinition>

  @hasMany(() => Segment)
  declare segments: HasMany<typeof Segment>

  @hasMany(() => SignupForm)
  declare signupForms: HasMany<typeof SignupForm>

  @hasMany(() => Consent)
  declare consents: HasMany<typeof Consent>

  @hasMany(() => Invitation)
  declare invitations: HasMany<typeof Invitation>

  /**
   * One of the workspace's own records, by id. Another workspace's id fails
   * as a missing one does (404): a 403 would tell that the id exists.
   */
  findOwn<Name extends OwnedRecords>(
    relation: Name,
    id: number | string
  ): Promise<Tenant[Name]['instance']> {
    // `related` checks names against `this` (any subclass); these are Tenant's.
    const tenant: Tenant = this
    return tenant
      .related(relation as OwnedRecords)
      .query()
      .where('id', id)
      .firstOrFail()
  }
}

/**
 * What a workspace owns and looks up by id from a URL.
 */
type OwnedRecords =
  | 'clients'
  | 'messages'
  | 'mailings'
  | 'webhookEndpoints'
  | 'sendingDomains'
  | 'suppressions'
  | 'tags'
  | 'attributeDefinitions'
  | 'segments'
  | 'signupForms'
  | 'invitations'
