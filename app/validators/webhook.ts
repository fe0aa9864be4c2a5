import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { WEBHOOK_EVENT_TYPES } from '#models/webhook_endpoint'
import { urlProblem } from '#services/webhook_addresses'

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

export const webhookEndpointValidator = vine.compile(
  vine.object({
    url: vine.string().trim().maxLength(2000).use(webhookUrl()),
    description: vine.string().trim().maxLength(200).optional(),
    // A form with one box ticked may send a lone value instead of a list.
    events: vine
      .array(vine.enum(WEBHOOK_EVENT_TYPES))
      .parse((value) => (typeof value === 'string' ? [value] : value))
      .minLength(1)
      .distinct(),
    enabled: vine.boolean().optional(),
  })
)

export type WebhookEndpointData = Infer<typeof webhookEndpointValidator>

/**
 * What an update may change; left out means unchanged, a null description
 * clears it.
 */
export type WebhookEndpointChanges = Partial<Omit<WebhookEndpointData, 'description'>> & {
  description?: string | null
}

export const webhookDeliveriesValidator = vine.compile(
  vine.object({
    status: vine.enum(['pending', 'succeeded', 'failed'] as const).optional(),
    before: vine.number().positive().withoutDecimals().optional(),
  })
)
