import type Client from '#models/client'
import {
  CLIENT_COMMENT_MAX_LENGTH,
  CLIENT_EMAIL_MAX_LENGTH,
  CLIENT_FULL_NAME_MAX_LENGTH,
} from '#validators/client'
import { isoTime, nullableTimeSchema, timeSchema } from '#api/serializers/time'

/**
 * A client as every API endpoint shows it (`Client` in the OpenAPI document).
 */
export function serializeClient(client: Client) {
  return {
    id: client.id,
    email: client.email,
    full_name: client.fullName,
    comment: client.comment,
    unsubscribed_at: isoTime(client.unsubscribedAt),
    created_at: isoTime(client.createdAt),
    updated_at: isoTime(client.updatedAt),
  }
}

export const clientSchema = {
  type: 'object',
  required: ['id', 'email', 'full_name', 'comment', 'unsubscribed_at', 'created_at', 'updated_at'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer', examples: [42] },
    email: {
      type: 'string',
      format: 'email',
      description: 'Unique in the workspace, stored lower-cased.',
      examples: ['ada@example.com'],
    },
    full_name: { type: 'string', examples: ['Ada Lovelace'] },
    comment: { type: ['string', 'null'] },
    unsubscribed_at: {
      ...nullableTimeSchema,
      description: 'Set when the client unsubscribed; mailings skip them.',
    },
    created_at: timeSchema,
    updated_at: nullableTimeSchema,
  },
} as const

/**
 * `POST /clients`' answer: the client, and whether its address is on the
 * suppression list (saved, never mailed), like each bulk upsert item's.
 */
export const createdClientSchema = {
  ...clientSchema,
  required: [...clientSchema.required, 'suppressed'],
  properties: {
    ...clientSchema.properties,
    suppressed: {
      type: 'boolean',
      description:
        'The address is on the workspace’s suppression list: the client is saved, but no ' +
        'mailing reaches it.',
    },
  },
} as const

/**
 * What `POST /clients`, `PUT /clients/{id}` and each bulk item accept.
 */
export const clientInputSchema = {
  type: 'object',
  required: ['email'],
  properties: {
    email: { type: 'string', format: 'email', maxLength: CLIENT_EMAIL_MAX_LENGTH },
    full_name: { type: ['string', 'null'], maxLength: CLIENT_FULL_NAME_MAX_LENGTH },
    comment: { type: ['string', 'null'], maxLength: CLIENT_COMMENT_MAX_LENGTH },
  },
} as const
