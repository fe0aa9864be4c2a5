import type { Infer } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import { firstRunAt } from '#sending/mailing_schedule'
import type { createMailingValidator } from '#validators/mailing'

/**
 * The columns the mailing form (or the API body) decides, with the first
 * run they lead to: what creating a mailing writes and what an update
 * before its first run rewrites, so the two never disagree on a field.
 */
export function plannedColumns(data: Infer<typeof createMailingValidator>, tenant: Tenant) {
  return {
    name: data.name,
    messageId: data.messageId,
    audience: data.audience,
    segmentId: data.audience === 'segment' ? (data.segmentId ?? null) : null,
    periodicity: data.periodicity,
    startAt: data.startAt,
    endAt: data.endAt,
    nextRunAt: firstRunAt({ ...data, timeZone: tenant.timeZone }),
  }
}
