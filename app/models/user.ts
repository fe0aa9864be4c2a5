import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel, belongsTo, column, beforeSave, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import { DbRememberMeTokensProvider } from '@adonisjs/auth/session'
import { ApiAccessTokensProvider } from '#api/access_tokens_provider'
import Tenant from '#models/tenant'
import Mailing from '#models/mailing'
import Membership from '#models/membership'
import TrustedDevice from '#models/trusted_device'

export const ROLES = ['user', 'manager', 'content_manager', 'admin'] as const
export type Role = (typeof ROLES)[number]

/**
 * Staff roles: everyone but plain users.
 */
export const STAFF_ROLES: readonly Role[] = ['manager', 'content_manager', 'admin']

const AuthFinder = withAuthFinder(() => hash.use('scrypt'), {
  uids: ['email'],
  passwordColumnName: 'password',
})

export default class User extends compose(BaseModel, AuthFinder) {
  static rememberMeTokens = DbRememberMeTokensProvider.forModel(User)

  /**
   * Personal access tokens for the API (`Authorization: Bearer mlg_...`).
   * Only a hash of the secret is stored; "last used" is kept to the minute.
   */
  static accessTokens = new ApiAccessTokensProvider({
    tokenableModel: User,
    prefix: 'mlg_',
    table: 'auth_access_tokens',
    type: 'api_token',
  })

  @column({ isPrimary: true })
  declare id: number

  /**
   * The workspace the user was last in, where a log-in lands; null once it
   * is deleted. Which workspaces they belong to, and as what, is
   * `memberships`; never authorize with this.
   */
  @column({ columnName: 'tenant_id' })
  declare lastTenantId: number | null

  @column()
  declare fullName: string

  @column()
  declare email: string

  @column({ serializeAs: null })
  declare password: string

  @column()
  declare role: Role

  @column.dateTime()
  declare emailVerifiedAt: DateTime | null

  @column.dateTime()
  declare blockedAt: DateTime | null

  @column()
  declare blockedReason: string | null

  @column.dateTime()
  declare lastLoginAt: DateTime | null

  /**
   * The TOTP secret, encrypted with the app key (app/two_factor/totp.ts).
   * Set from the start of an enrolment; two-factor log-in is on only once
   * `twoFactorEnabledAt` is set (the user proved their app has it).
   */
  @column({ serializeAs: null })
  declare twoFactorSecret: string | null

  @column.dateTime()
  declare twoFactorEnabledAt: DateTime | null

  /** The time step of the last TOTP code accepted (replay guard, migration 48). */
  @column({ serializeAs: null, consume: (value) => (value === null ? null : Number(value)) })
  declare twoFactorLastTimeStep: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => Tenant, { foreignKey: 'lastTenantId' })
  declare lastTenant: BelongsTo<typeof Tenant>

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>

  /** Browsers remembered for two-factor log-in (app/two_factor/trusted_devices.ts). */
  @hasMany(() => TrustedDevice)
  declare trustedDevices: HasMany<typeof TrustedDevice>

  /**
   * The membership of the workspace this request acts in, set by the tenant
   * middleware (web) or the API's (from the token): what the Bouncer
   * policies read the workspace role from. Not a column.
   */
  currentMembership?: Membership

  /**
   * The mailings this user created (the staff users list counts them).
   */
  @hasMany(() => Mailing, { foreignKey: 'createdById' })
  declare createdMailings: HasMany<typeof Mailing>

  @beforeSave()
  static normalizeEmail(user: User) {
    if (user.$dirty.email) {
      user.email = user.email.trim().toLowerCase()
    }
  }

  get isVerified() {
    return this.emailVerifiedAt !== null
  }

  get isBlocked() {
    return this.blockedAt !== null
  }

  get hasTwoFactor() {
    // Undefined on a user just created (the column was not written).
    return !!this.twoFactorEnabledAt
  }

  get isStaff() {
    return STAFF_ROLES.includes(this.role)
  }

  get firstName() {
    return this.fullName.split(/\s+/)[0]
  }
}
