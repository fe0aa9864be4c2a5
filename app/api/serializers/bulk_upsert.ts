import type { BulkUpsertItemResult } from '#actions/clients/bulk_upsert_clients'
import { apiFieldName } from '#api/problem'

/**
 * The answer of `POST /clients/bulk`: a result per item, in order, and
 * the counts (`BulkUpsertResult` in the OpenAPI document).
 */
export function serializeBulkUpsert(results: BulkUpsertItemResult[]) {
  const summary = { created: 0, updated: 0, unchanged: 0, invalid: 0 }
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
    return { index, status: result.outcome, email: result.email, id: result.id }
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
            required: ['index', 'status', 'email', 'id'],
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
      required: ['created', 'updated', 'unchanged', 'invalid'],
      additionalProperties: false,
      properties: { created: count, updated: count, unchanged: count, invalid: count },
    },
  },
} as const
