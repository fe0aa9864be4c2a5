import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { WEBHOOK_EVENT_TYPES } from '#models/webhook_endpoint'
import { WEBHOOK_DELIVERY_STATUSES } from '#models/webhook_delivery'
import { urlProblem } from '#services/webhooks/addresses'
import { pageFields } from '#services/database/pagination'
import { recordId } from '#validators/rules/record_id'

export const WEBHOOK_URL_MAX_LENGTH = 2000
export const WEBHOOK_DESCRIPTION_MAX_LENGTH = 200

/**
 * http(s) only, and never a literal private, loopback, link-local or
 * metadata address (host names are checked again after DNS, at connection
 * time).
 */
const webhookUrl = vine.createRule((value: unknown, _: undefined, field) => {
  if (typeof value !== 'string') return
  const problem = urlProblem(value)
  if (problem) field.report(problem, 'webhookUrl', field)
})

/**
 * An endpoint's fields, as the Settings form and the API's POST and PATCH
 * check them.
 */
const endpointFields = () => ({
  url: vine.string().trim().maxLength(WEBHOOK_URL_MAX_LENGTH).use(webhookUrl()),
  description: vine.string().trim().maxLength(WEBHOOK_DESCRIPTION_MAX_LENGTH),
  // A form with one box ticked may send a lone value instead of a list.
  events: vine
    .array(vine.enum(WEBHOOK_EVENT_TYPES))
    .parse((value) => (typeof value === 'string' ? [value] : value))
    .minLength(1)
    .distinct(),
  enabled: vine.boolean(),
})

const created = endpointFields()

export const webhookEndpointValidator = vine.compile(
  vine.object({
    ...created,
    description: created.description.optional(),
    enabled: created.enabled.optional(),
  })
)

export type WebhookEndpointData = Infer<typeof webhookEndpointValidator>

const changed = endpointFields()

/**
 * `PATCH /api/v1/webhooks/{id}`: every field may be left out (unchanged).
 */
export const webhookEndpointChangesValidator = vine.compile(
  vine.object({
    url: changed.url.optional(),
    description: changed.description.nullable().optional(),
    events: changed.events.optional(),
    enabled: changed.enabled.optional(),
  })
)

/**
 * What an update may change; left out means unchanged, a null description
 * clears it.
 */
export type WebhookEndpointChanges = Infer<typeof webhookEndpointChangesValidator>

export const webhookDeliveriesValidator = vine.compile(
  vine.object({
    status: vine.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
    before: recordId().optional(),
  })
)

/**
 * The API's delivery log query: a status filter, page size and opaque cursor.
 */
export const apiWebhookDeliveryListValidator = vine.compile(
  vine.object({ status: vine.enum(WEBHOOK_DELIVERY_STATUSES).optional(), ...pageFields() })
)

/**
 * The API's endpoint list query: page size and opaque cursor.
 */
export const apiWebhookEndpointListValidator = vine.compile(vine.object({ ...pageFields() }))
