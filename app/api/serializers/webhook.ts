import type WebhookEndpoint from '#models/webhook_endpoint'
import { WEBHOOK_EVENT_TYPES } from '#models/webhook_endpoint'
import type WebhookDelivery from '#models/webhook_delivery'
import { WEBHOOK_DELIVERY_STATUSES } from '#models/webhook_delivery'
import { WEBHOOK_DESCRIPTION_MAX_LENGTH, WEBHOOK_URL_MAX_LENGTH } from '#validators/webhook'
import webhooksConfig from '#config/webhooks'
import { isoTime, nullableTimeSchema, timeSchema } from '#api/serializers/time'

/**
 * An endpoint as every API endpoint shows it (`WebhookEndpoint`). Its
 * secret is left out: lists and reads end up in logs and scripts, so the
 * secret is only in the answers that make one (`WebhookEndpointWithSecret`).
 */
export function serializeWebhookEndpoint(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.enabled,
    disabled_reason: endpoint.disabledReason,
    failing_since: isoTime(endpoint.failingSince),
    created_at: isoTime(endpoint.createdAt),
    updated_at: isoTime(endpoint.updatedAt),
  }
}

/**
 * The answer of creating an endpoint and of rotating its secret.
 */
export function serializeWebhookEndpointWithSecret(endpoint: WebhookEndpoint) {
  return { ...serializeWebhookEndpoint(endpoint), secret: endpoint.secret }
}

/**
 * One message for the endpoint with every attempt, oldest first
 * (`WebhookDelivery`); needs the `withLog` scope's preloads.
 */
export function serializeWebhookDelivery(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    message_id: delivery.messageId,
    type: delivery.message.type,
    status: delivery.status,
    next_attempt_at: isoTime(delivery.status === 'pending' ? delivery.nextAttemptAt : null),
    created_at: isoTime(delivery.createdAt),
    attempts: delivery.attemptLog.map((attempt) => ({
      id: attempt.id,
      attempted_at: isoTime(attempt.attemptedAt),
      status_code: attempt.statusCode,
      duration_ms: attempt.durationMs,
      response_excerpt: attempt.responseExcerpt,
      error: attempt.error,
    })),
  }
}

const endpointProperties = {
  id: { type: 'integer', examples: [3] },
  url: { type: 'string', format: 'uri', examples: ['https://example.com/hooks/mailings'] },
  description: { type: ['string', 'null'] },
  events: {
    type: 'array',
    items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] },
    description: 'The event types the endpoint hears about.',
  },
  enabled: { type: 'boolean', description: 'A disabled endpoint receives nothing.' },
  disabled_reason: {
    type: ['string', 'null'],
    description:
      'Why it was disabled for you: it answered 410 Gone, or every attempt failed for days.',
  },
  failing_since: {
    ...nullableTimeSchema,
    description: 'Set while its attempts fail; cleared by the next success.',
  },
  created_at: timeSchema,
  updated_at: nullableTimeSchema,
} as const

export const webhookEndpointSchema = {
  type: 'object',
  description:
    'The signing secret is not shown here: only in the answers of creating the endpoint and ' +
    'of rotating its secret (`WebhookEndpointWithSecret`), and in Settings → Webhooks.',
  required: Object.keys(endpointProperties),
  additionalProperties: false,
  properties: endpointProperties,
} as const

export const webhookEndpointWithSecretSchema = {
  type: 'object',
  description: 'The endpoint with its signing secret: keep it, this API does not show it again.',
  required: [...Object.keys(endpointProperties), 'secret'],
  additionalProperties: false,
  properties: {
    ...endpointProperties,
    secret: {
      type: 'string',
      pattern: '^whsec_',
      description:
        'Verifies the `webhook-signature` header (Standard Webhooks): any Standard Webhooks ' +
        'library takes it as it is.',
      examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    },
  },
} as const

const inputProperties = {
  url: {
    type: 'string',
    format: 'uri',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
    description:
      'http or https. A literal private, loopback or link-local address is refused (422); a ' +
      'host name resolving to one fails each attempt.',
  },
  description: { type: ['string', 'null'], maxLength: WEBHOOK_DESCRIPTION_MAX_LENGTH },
  events: {
    type: 'array',
    minItems: 1,
    uniqueItems: true,
    items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] },
  },
  enabled: { type: 'boolean' },
} as const

export const webhookEndpointInputSchema = {
  type: 'object',
  required: ['url', 'events'],
  properties: {
    ...inputProperties,
    description: { type: 'string', maxLength: WEBHOOK_DESCRIPTION_MAX_LENGTH },
    enabled: { ...inputProperties.enabled, default: true },
  },
} as const

export const webhookEndpointChangesSchema = {
  type: 'object',
  description:
    'Only the fields sent change; a null description clears it. Enabling the endpoint again, ' +
    'or changing its URL, clears why it was disabled and its failing streak.',
  properties: inputProperties,
} as const

export const webhookDeliverySchema = {
  type: 'object',
  required: ['id', 'message_id', 'type', 'status', 'next_attempt_at', 'created_at', 'attempts'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    message_id: {
      type: 'string',
      description: 'The `webhook-id` header: the same on every attempt and redelivery.',
      examples: ['msg_2mXr0bUX3M5vDq1dK0gA8w'],
    },
    type: { type: 'string', examples: ['message.sent'] },
    status: {
      type: 'string',
      enum: [...WEBHOOK_DELIVERY_STATUSES],
      description:
        '`succeeded` after a 2xx answer; `failed` after the last scheduled attempt (or 410); ' +
        '`pending` until then.',
    },
    next_attempt_at: { ...nullableTimeSchema, description: 'When a pending delivery is due.' },
    created_at: timeSchema,
    attempts: {
      type: 'array',
      description: 'Every HTTP request made, oldest first.',
      items: {
        type: 'object',
        required: ['id', 'attempted_at', 'status_code', 'duration_ms', 'response_excerpt', 'error'],
        additionalProperties: false,
        properties: {
          id: { type: 'integer' },
          attempted_at: timeSchema,
          status_code: {
            type: ['integer', 'null'],
            description: 'Null when the endpoint never answered.',
          },
          duration_ms: { type: 'integer', minimum: 0 },
          response_excerpt: {
            type: ['string', 'null'],
            description: `The start of the answer's body (${webhooksConfig.excerptBytes} bytes at most).`,
          },
          error: {
            type: ['string', 'null'],
            description: 'Why the attempt failed: a timeout, a refused address, `HTTP 500`…',
          },
        },
      },
    },
  },
} as const
