import vine from '@vinejs/vine'
import { SUPPRESSION_REASONS } from '#models/suppression'
import { pageFields } from '#services/database/pagination'
import { recordId } from '#validators/rules/record_id'
import { CLIENT_EMAIL_MAX_LENGTH, clientEmail } from '#validators/client'

/**
 * The most of a note kept with an entry added by hand.
 */
export const SUPPRESSION_DETAIL_MAX_LENGTH = 500

/**
 * The Suppressions page's query string: a search in the addresses, a
 * reason, and the keyset position (the id the page continues below).
 */
export const suppressionListValidator = vine.compile(
  vine.object({
    q: vine.string().trim().maxLength(CLIENT_EMAIL_MAX_LENGTH).optional(),
    reason: vine.enum(SUPPRESSION_REASONS).optional(),
    after: recordId().optional(),
  })
)

/**
 * `GET /api/v1/suppressions`: one address (exact, any case), a reason, the
 * page size and the opaque cursor.
 */
export const apiSuppressionListValidator = vine.compile(
  vine.object({
    email: vine.string().trim().toLowerCase().maxLength(CLIENT_EMAIL_MAX_LENGTH).optional(),
    reason: vine.enum(SUPPRESSION_REASONS).optional(),
    ...pageFields(),
  })
)

/**
 * An address added by hand (reason `manual`), from the page or the API.
 */
export const suppressionValidator = vine.compile(
  vine.object({
    email: clientEmail(),
    detail: vine.string().trim().maxLength(SUPPRESSION_DETAIL_MAX_LENGTH).optional(),
  })
)

/**
 * Removing an entry from the page: the box that confirms a complaint's
 * removal.
 */
export const removeSuppressionValidator = vine.compile(
  vine.object({
    confirmComplaint: vine.boolean().optional(),
  })
)

/**
 * `DELETE /api/v1/suppressions/{address}`: `?confirm=complaint` to remove
 * an entry whose reason is a complaint.
 */
export const apiRemoveSuppressionValidator = vine.compile(
  vine.object({
    confirm: vine.enum(['complaint']).optional(),
  })
)
