import vine from '@vinejs/vine'
import { calendarDay } from '#validators/rules/calendar_day'
import { MAILING_STATUSES } from '#models/mailing'
import { ROLES } from '#models/user'
import { recordId } from '#validators/rules/record_id'

/**
 * Why a mailing is disabled or a user blocked: required, shown to the
 * owner and kept in the audit log.
 */
export const staffReasonValidator = vine.compile(
  vine.object({
    reason: vine.string().trim().minLength(3).maxLength(500),
  })
)

/**
 * Enabling and unblocking may say why, or not.
 */
export const optionalStaffReasonValidator = vine.compile(
  vine.object({
    reason: vine.string().trim().maxLength(500).optional(),
  })
)

export const roleValidator = vine.compile(
  vine.object({
    role: vine.enum(ROLES),
  })
)

/**
 * A day as `<input type="date">` sends it, read in UTC.
 */
const day = calendarDay

const cursor = () => recordId().optional()
const workspace = () => recordId().optional()

export const staffMailingFilterValidator = vine.compile(
  vine.object({
    workspace: workspace(),
    status: vine.enum(MAILING_STATUSES).optional(),
    from: day(),
    to: day(),
    after: cursor(),
  })
)

export const USER_STATUSES = ['active', 'blocked'] as const

export const staffUserFilterValidator = vine.compile(
  vine.object({
    q: vine.string().trim().maxLength(254).optional(),
    role: vine.enum(ROLES).optional(),
    status: vine.enum(USER_STATUSES).optional(),
    workspace: workspace(),
    after: cursor(),
  })
)

export const auditLogFilterValidator = vine.compile(
  vine.object({
    actor: recordId().optional(),
    action: vine.string().trim().maxLength(60).optional(),
    subject: vine.string().trim().maxLength(40).optional(),
    from: day(),
    to: day(),
    after: cursor(),
  })
)
