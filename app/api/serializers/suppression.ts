import type Suppression from '#models/suppression'
import { SUPPRESSION_REASONS } from '#models/suppression'
import { CLIENT_EMAIL_MAX_LENGTH } from '#validators/client'
import { SUPPRESSION_DETAIL_MAX_LENGTH } from '#validators/suppression'
import { isoTime, nullableTimeSchema, timeSchema } from '#api/serializers/time'

/**
 * An entry of the suppression list as the API shows it (`Suppression`).
 */
export function serializeSuppression(entry: Suppression) {
  return {
    id: entry.id,
    email: entry.email,
    reason: entry.reason,
    source: entry.source,
    detail: entry.detail,
    delivery_id: entry.deliveryId === null ? null : Number(entry.deliveryId),
    created_at: isoTime(entry.createdAt),
    updated_at: isoTime(entry.updatedAt),
  }
}

export const suppressionSchema = {
  type: 'object',
  required: [
    'id',
    'email',
    'reason',
    'source',
    'detail',
    'delivery_id',
    'created_at',
    'updated_at',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'integer', examples: [7] },
    email: { type: 'string', description: 'Lower-cased.', examples: ['ada@example.com'] },
    reason: {
      type: 'string',
      enum: [...SUPPRESSION_REASONS],
      description:
        'Why the address is not mailed, weakest first: `unsubscribed` (the unsubscribe link), ' +
        '`manual` (added by a person or the API), `hard_bounce` (its mail server said it does ' +
        'not exist), `complaint` (its owner reported a message as spam). A stronger reason ' +
        'replaces a weaker one.',
    },
    source: {
      type: 'string',
      description: 'Where it came from: `unsubscribe`, `manual`, `api`, `smtp`, `dsn`, a provider…',
      examples: ['smtp'],
    },
    detail: {
      type: ['string', 'null'],
      description: 'The mail server’s reply, or the note given when added.',
      examples: ['550 5.1.1 user unknown'],
    },
    delivery_id: {
      type: ['integer', 'null'],
      description: 'The delivery whose bounce or complaint caused it, if one did.',
    },
    created_at: { ...timeSchema, description: 'When the address got on the list.' },
    updated_at: nullableTimeSchema,
  },
} as const

/**
 * What `POST /suppressions` accepts.
 */
export const suppressionInputSchema = {
  type: 'object',
  required: ['email'],
  properties: {
    email: { type: 'string', format: 'email', maxLength: CLIENT_EMAIL_MAX_LENGTH },
    detail: {
      type: ['string', 'null'],
      maxLength: SUPPRESSION_DETAIL_MAX_LENGTH,
      description: 'A note kept with the entry.',
    },
  },
} as const
