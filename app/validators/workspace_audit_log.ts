import vine from '@vinejs/vine'
import { recordId } from '#validators/rules/record_id'
import { calendarDay } from '#validators/rules/calendar_day'

const day = calendarDay

/**
 * Settings → Audit log's filters (and its CSV export's): an action, a
 * member, days from and to (in the workspace's time zone), and the page.
 */
export const workspaceAuditLogFilterValidator = vine.compile(
  vine.object({
    action: vine.string().trim().maxLength(60).optional(),
    member: recordId().optional(),
    from: day(),
    to: day(),
    after: recordId().optional(),
  })
)
