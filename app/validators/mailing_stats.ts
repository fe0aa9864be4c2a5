import vine from '@vinejs/vine'
import { DELIVERY_STATUSES } from '#models/delivery'
import { CHART_UNITS } from '#actions/stats/count_sends_over_time'
import { bigRecordId, recordId } from '#validators/rules/record_id'

/**
 * The statistics poll: where the page's chart is, so only new points come
 * back.
 */
export const statsPollValidator = vine.compile(
  vine.object({
    run: recordId().optional(),
    unit: vine.enum(CHART_UNITS).optional(),
    since: vine.string().trim().maxLength(40).optional(),
  })
)

/**
 * The delivery log's filters and cursor, from its query string.
 */
export const deliveryLogValidator = vine.compile(
  vine.object({
    status: vine.enum(DELIVERY_STATUSES).optional(),
    email: vine.string().trim().maxLength(254).optional(),
    run: recordId().optional(),
    after: bigRecordId().optional(),
  })
)
