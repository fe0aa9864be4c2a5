import type { BulkUpsertItemResult } from '#actions/clients/bulk_upsert_clients'
import { apiFieldName } from '#api/problem'

/**
 * The answer of `POST /clients/bulk`: a result per item, in order, and
 * the counts (`BulkUpsertResult` in the OpenAPI document).
 */
export function serializeBulkUpsert(results: BulkUpsertItemResult[]) {
  const summary = { created: 0, updated: 0, unchanged: 0, invalid: 0, suppressed: 0 }
  const data = results.map((result, index) => {
    summary[result.outcome] += 1
    if (result.outcome === 'invalid') {
      return {
        index,
        status: result.outcome,
        email: result.email,
        errors: result.errors.map(({ field, message, rule }) => ({
          field: apiFieldName(field),
          message,
          rule,
        })),
      }
    }
    if (result.suppressed) summary.suppressed += 1
    return {
      index,
      status: result.outcome,
      email: result.email,
      id: result.id,
      suppressed: result.suppressed,
    }
  })
  return { data, summary }
}

const count = { type: 'integer', minimum: 0 } as const

export const bulkUpsertResultSchema = {
  type: 'object',
  required: ['data', 'summary'],
  additionalProperties: false,
  properties: {
    data: {
      type: 'array',
      description: 'One result per item, in the order sent.',
      items: {
        oneOf: [
          {
            type: 'object',
            required: ['index', 'status', 'email', 'id', 'suppressed'],
            additionalProperties: false,
            properties: {
              index: count,
              status: {
                type: 'string',
                enum: ['created', 'updated', 'unchanged'],
                description: '`unchanged`: saved exactly so already; nothing written.',
              },
              email: { type: 'string', format: 'email' },
              id: { type: 'integer' },
              suppressed: {
                type: 'boolean',
                description:
                  'The address is on the suppression list: saved, but no mailing reaches it.',
              },
            },
          },
          {
            type: 'object',
            required: ['index', 'status', 'email', 'errors'],
            additionalProperties: false,
            properties: {
              index: count,
              status: { type: 'string', const: 'invalid' },
              email: { type: ['string', 'null'] },
              errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
            },
          },
        ],
      },
    },
    summary: {
      type: 'object',
      required: ['created', 'updated', 'unchanged', 'invalid', 'suppressed'],
      additionalProperties: false,
      properties: {
        created: count,
        updated: count,
        unchanged: count,
        invalid: count,
        suppressed: { ...count, description: 'Saved items whose address is suppressed.' },
      },
    },
  },
} as const
