import { CLIENT_STATES, type default as Client } from '#models/client'
import { TAG_NAME_MAX_LENGTH } from '#models/tag'
import {
  CLIENT_COMMENT_MAX_LENGTH,
  CLIENT_EMAIL_MAX_LENGTH,
  CLIENT_FULL_NAME_MAX_LENGTH,
} from '#validators/client'
import { ATTRIBUTES_PER_REQUEST, TAG_NAMES_PER_REQUEST } from '#validators/client_audience'
import { tagsOfClients } from '#audiences/client_tags'
import { isoTime, nullableTimeSchema, timeSchema } from '#api/serializers/time'

/**
 * A client as every API endpoint shows it (`Client` in the OpenAPI document),
 * with the names of its tags (clientTagNames).
 */
export function serializeClient(client: Client, tags: string[]) {
  return {
    id: client.id,
    email: client.email,
    full_name: client.fullName,
    comment: client.comment,
    state: client.state,
    tags,
    attributes: client.attributes,
    unsubscribed_at: isoTime(client.unsubscribedAt),
    created_at: isoTime(client.createdAt),
    updated_at: isoTime(client.updatedAt),
  }
}

/**
 * The clients serialized, their tags read in one query for them all.
 */
export async function serializeClients(clients: Client[]) {
  const tags = await tagsOfClients(clients.map((client) => client.id))
  return clients.map((client) =>
    serializeClient(
      client,
      (tags.get(client.id) ?? []).map((tag) => tag.name)
    )
  )
}

export const clientSchema = {
  type: 'object',
  required: [
    'id',
    'email',
    'full_name',
    'comment',
    'state',
    'tags',
    'attributes',
    'unsubscribed_at',
    'created_at',
    'updated_at',
  ],
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
    state: {
      type: 'string',
      enum: [...CLIENT_STATES],
      description:
        '`pending`: signed up through a form, not confirmed yet; `unsubscribed`: asked for no ' +
        'more mail. Only `subscribed` clients are mailed.',
    },
    tags: {
      type: 'array',
      items: { type: 'string' },
      description: 'The names of the client’s tags, sorted (any case).',
      examples: [['newsletter', 'VIP']],
    },
    attributes: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
      description:
        'Values of the workspace’s custom attributes (`GET /attributes`), by key: text and ' +
        'choices as strings, numbers, booleans, dates as `YYYY-MM-DD` strings. A key without a ' +
        'value is left out.',
      examples: [{ company: 'Analytical Engines Ltd', plan: 'pro', seats: 12 }],
    },
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
const tagNamesSchema = {
  type: 'array',
  maxItems: TAG_NAMES_PER_REQUEST,
  items: { type: 'string', minLength: 1, maxLength: TAG_NAME_MAX_LENGTH, pattern: '^[^,;]+$' },
} as const

export const clientInputSchema = {
  type: 'object',
  required: ['email'],
  properties: {
    email: { type: 'string', format: 'email', maxLength: CLIENT_EMAIL_MAX_LENGTH },
    full_name: { type: ['string', 'null'], maxLength: CLIENT_FULL_NAME_MAX_LENGTH },
    comment: { type: ['string', 'null'], maxLength: CLIENT_COMMENT_MAX_LENGTH },
    add_tags: {
      ...tagNamesSchema,
      description:
        'Tags to give the client, by name (any case). A name the workspace does not have yet ' +
        'creates the tag; past the workspace’s limit of tags the request (or the bulk item) ' +
        'is refused with an error on `add_tags`. Other tags stay.',
      examples: [['VIP', 'newsletter']],
    },
    remove_tags: {
      ...tagNamesSchema,
      description:
        'Tags to take off the client, by name. A name no tag has is ignored. A tag in both ' +
        'lists is removed.',
    },
    attributes: {
      type: 'object',
      maxProperties: ATTRIBUTES_PER_REQUEST,
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
      description:
        'Attribute values to set, by key (`GET /attributes`); null or "" clears one. Keys not ' +
        'sent stay as they are. Checked against the attribute’s type: numbers as numbers or ' +
        'numeric strings, booleans as true/false (or "yes"/"no"), dates as `YYYY-MM-DD`, ' +
        'choices as one of the choices (any case). An unknown key or a wrong value is an ' +
        'error on `attributes.<key>`.',
      examples: [{ company: 'Analytical Engines Ltd', seats: 12, renewal: '2026-09-30' }],
    },
  },
} as const
