import type Message from '#models/message'
import { BODY_HTML_MAX_LENGTH, BODY_TEXT_MAX_LENGTH, SUBJECT_MAX_LENGTH } from '#validators/message'
import { isoTime, nullableTimeSchema, timeSchema } from '#api/serializers/time'

/**
 * A message as every API endpoint shows it (`Message` in the OpenAPI document).
 */
export function serializeMessage(message: Message) {
  return {
    id: message.id,
    subject: message.subject,
    body_text: message.bodyText,
    body_html: message.bodyHtml,
    created_at: isoTime(message.createdAt),
    updated_at: isoTime(message.updatedAt),
  }
}

const PLACEHOLDERS =
  'Placeholders: `{{ client.full_name }}`, `{{ client.email }}`, `{{ unsubscribe_url }}`.'

export const messageSchema = {
  type: 'object',
  required: ['id', 'subject', 'body_text', 'body_html', 'created_at', 'updated_at'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer', examples: [7] },
    subject: { type: 'string', examples: ['News for {{ client.full_name }}'] },
    body_text: { type: 'string', description: PLACEHOLDERS },
    body_html: {
      type: ['string', 'null'],
      description: `Sanitised when saved (no scripts). ${PLACEHOLDERS}`,
    },
    created_at: timeSchema,
    updated_at: nullableTimeSchema,
  },
} as const

export const messageInputSchema = {
  type: 'object',
  required: ['subject', 'body_text'],
  properties: {
    subject: { type: 'string', maxLength: SUBJECT_MAX_LENGTH },
    body_text: { type: 'string', maxLength: BODY_TEXT_MAX_LENGTH },
    body_html: { type: ['string', 'null'], maxLength: BODY_HTML_MAX_LENGTH },
  },
} as const
