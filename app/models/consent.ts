import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { storableText } from '#services/database/storable_text'

/**
 * One sign-up request through a form, kept as the record of consent: the
 * address, when, from which IP and browser, through which form and the
 * exact words shown. `confirmedAt` is set when the confirmation link is
 * followed (once).
 */
export default class Consent extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare signupFormId: number | null

  @column()
  declare clientId: number | null

  @column()
  declare email: string

  @column()
  declare ip: string | null

  @column()
  declare userAgent: string | null

  @column()
  declare consentText: string

  /**
   * Whether `consentText` is the version the posting page said it showed
   * (#audiences/consent_texts): false when it named none or an unknown one
   * and the form's text at the time was recorded instead; null for
   * records before versions, and for the preference page's.
   */
  @column({ consume: (value: number | boolean | null) => (value === null ? null : Boolean(value)) })
  declare consentTextMatched: boolean | null

  /**
   * What the visitor typed (full name, attribute values), applied to the
   * client when the sign-up is confirmed.
   */
  @column({
    prepare: (value: ConsentSubmission) => JSON.stringify(value),
    consume: (value: string) => JSON.parse(value),
  })
  declare submitted: ConsentSubmission

  @column.dateTime()
  declare confirmedAt: DateTime | null

  /** Where the confirming click came from (null before it, and for older records). */
  @column()
  declare confirmedIp: string | null

  @column()
  declare confirmedUserAgent: string | null

  /**
   * The submission's id given by the request that queued it: the job that
   * records it finds it again when it runs twice.
   */
  @column()
  declare submissionId: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}

export interface ConsentSubmission {
  fullName?: string
  attributes?: Record<string, string | number | boolean>
}

/** The length of the user-agent columns of consents. */
const USER_AGENT_MAX_LENGTH = 300

/**
 * A browser's User-Agent header as the consent columns keep it: whatever a
 * client sent, storable on every database and within the column.
 */
export function storableUserAgent(userAgent: string | null | undefined) {
  return userAgent ? storableText(userAgent, USER_AGENT_MAX_LENGTH) : null
}
