import type AttributeDefinition from '#models/attribute_definition'
import { ATTRIBUTE_TYPES } from '#models/attribute_definition'
import type { TagWithCount } from '#actions/tags/list_tags'

/**
 * A tag as `GET /tags` shows it (`Tag` in the OpenAPI document).
 */
export function serializeTag(tag: TagWithCount) {
  return {
    id: tag.id,
    name: tag.name,
    description: tag.description,
    is_topic: tag.isTopic,
    client_count: tag.clientCount,
  }
}

export const tagSchema = {
  type: 'object',
  required: ['id', 'name', 'description', 'is_topic', 'client_count'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer', examples: [3] },
    name: {
      type: 'string',
      description: 'Unique in the workspace whatever its case; what `add_tags` names.',
      examples: ['VIP'],
    },
    description: { type: ['string', 'null'] },
    is_topic: {
      type: 'boolean',
      description: 'Offered to clients on the preference page, to choose for themselves.',
    },
    client_count: { type: 'integer', minimum: 0, description: 'How many clients have it.' },
  },
} as const

/**
 * An attribute definition as `GET /attributes` shows it (`Attribute`).
 */
export function serializeAttribute(definition: AttributeDefinition) {
  return {
    key: definition.key,
    label: definition.label,
    type: definition.type,
    choices: definition.choices,
  }
}

export const attributeSchema = {
  type: 'object',
  required: ['key', 'label', 'type', 'choices'],
  additionalProperties: false,
  properties: {
    key: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,39}$',
      description:
        'What `attributes` in a client, CSV headers and placeholders ' +
        '(`{{ client.attributes.<key> }}`) name.',
      examples: ['company'],
    },
    label: { type: 'string', examples: ['Company'] },
    type: {
      type: 'string',
      enum: [...ATTRIBUTE_TYPES],
      description:
        '`text` (string), `number`, `date` (`YYYY-MM-DD` string), `boolean`, `choice` (one of ' +
        '`choices`).',
    },
    choices: {
      type: ['array', 'null'],
      items: { type: 'string' },
      description: 'The allowed values of a `choice`; null for the other types.',
    },
  },
} as const
