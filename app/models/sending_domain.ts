import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import encryption from '@adonisjs/core/services/encryption'

/**
 * The records a workspace publishes for a sending domain. Ownership and DKIM
 * decide whether the domain is verified; SPF and DMARC are advice (the
 * operator's relay and the domain's policy are the owner's business, and
 * DKIM alone aligns the domain for DMARC).
 */
export const DOMAIN_RECORD_KINDS = ['ownership', 'dkim', 'spf', 'dmarc'] as const
export type DomainRecordKind = (typeof DOMAIN_RECORD_KINDS)[number]
export const REQUIRED_RECORD_KINDS: readonly DomainRecordKind[] = ['ownership', 'dkim']

/**
 * What a check found for one record: ok; missing (nothing there); wrong
 * (something there, but not what we asked for: another DKIM key, another
 * token, two SPF records); error (the lookup got no answer: a timeout, a
 * SERVFAIL; a domain keeps its state through one).
 */
export type RecordStatus = 'ok' | 'missing' | 'wrong' | 'error'

export interface RecordCheck {
  status: RecordStatus
  /** What DNS answered at that name (the relevant records, at most a few). */
  found: string[]
}

export type CheckResults = Partial<Record<DomainRecordKind, RecordCheck>>

/**
 * A domain a workspace wants to send as (migration 33). It may once its
 * ownership token and DKIM key are published: `verifiedAt` is set by a
 * check (app/actions/sending_domains/check_sending_domain.ts).
 */
export default class SendingDomain extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare domain: string

  @column({ serializeAs: null })
  declare verificationToken: string

  @column()
  declare dkimSelector: string

  /**
   * Base64 of the DER SubjectPublicKeyInfo: the `p=` of the DKIM record.
   */
  @column()
  declare dkimPublicKey: string

  /**
   * PKCS #8 PEM, stored encrypted (APP_KEY): every message signed needs it.
   */
  @column({
    serializeAs: null,
    prepare: (value: string) => encryption.encrypt(value),
    consume: (value: string) => encryption.decrypt<string>(value) ?? '',
  })
  declare dkimPrivateKey: string

  @column.dateTime()
  declare verifiedAt: DateTime | null

  @column.dateTime()
  declare verificationLostAt: DateTime | null

  @column.dateTime()
  declare checkedAt: DateTime | null

  @column({
    prepare: (value: CheckResults | null) => (value ? JSON.stringify(value) : null),
    consume: (value: string | CheckResults | null) =>
      typeof value === 'string' ? JSON.parse(value) : value,
  })
  declare checkResults: CheckResults | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  get isVerified() {
    return this.verifiedAt !== null
  }
}
