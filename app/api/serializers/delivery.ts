import type { DeliveryLogRow } from '#actions/stats/list_deliveries'
import { DELIVERY_STATUSES } from '#models/delivery'
import { ATTEMPT_OUTCOMES } from '#models/delivery_attempt'
import { isoTime, timeSchema } from '#api/serializers/time'

/**
 * One recipient of one run, with every attempt to send it (`Delivery`).
 */
export function serializeDelivery({ delivery, attempts }: DeliveryLogRow) {
  return {
    id: Number(delivery.id),
    run_id: Number(delivery.runId),
    client_id: delivery.clientId === null ? null : Number(delivery.clientId),
    email: delivery.email,
    full_name: delivery.fullName,
    status: delivery.status,
    reason: delivery.reason,
    attempts: attempts.map((attempt) => ({
      attempted_at: isoTime(attempt.attemptedAt),
      outcome: attempt.outcome,
      smtp_code: attempt.smtpCode,
      response: attempt.response,
      duration_ms: attempt.durationMs,
    })),
  }
}

export const deliverySchema = {
  type: 'object',
  required: ['id', 'run_id', 'client_id', 'email', 'full_name', 'status', 'reason', 'attempts'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    run_id: { type: 'integer' },
    client_id: { type: ['integer', 'null'], description: 'Null once the client is deleted.' },
    email: { type: 'string' },
    full_name: { type: 'string' },
    status: {
      type: 'string',
      enum: [...DELIVERY_STATUSES],
      description: 'Final: `sent`, `failed`, `skipped`; `queued` and `sending` until then.',
    },
    reason: { type: ['string', 'null'], description: 'Why it failed or was skipped.' },
    attempts: {
      type: 'array',
      description: 'Oldest first.',
      items: {
        type: 'object',
        required: ['attempted_at', 'outcome', 'smtp_code', 'response', 'duration_ms'],
        additionalProperties: false,
        properties: {
          attempted_at: timeSchema,
          outcome: { type: 'string', enum: [...ATTEMPT_OUTCOMES] },
          smtp_code: { type: ['integer', 'null'] },
          response: { type: ['string', 'null'], description: 'The mail server’s answer.' },
          duration_ms: { type: 'integer', minimum: 0 },
        },
      },
    },
  },
} as const
