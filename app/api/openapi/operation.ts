import type { TokenAbility } from '#api/abilities'
import {
  parameters as sharedParameters,
  problemResponse,
  rateLimitHeaders,
  ref,
  type ProblemStatus,
} from '#api/openapi/components'

type Schema = Record<string, unknown>

export interface OperationSpec {
  operationId: string
  summary: string
  description?: string
  tag: string
  /** The ability the token needs; null for any valid token. */
  ability: TokenAbility | null
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** The path has an `{id}` (adds the parameter and 404). */
  hasId?: boolean
  /** A paged list (adds `limit`, `cursor` and 422). */
  paged?: boolean
  /** More parameters (query filters). */
  parameters?: Schema[]
  /** The JSON body's schema. */
  body?: Schema
  /** Success responses: status → description and JSON schema (none for 204). */
  responses: Record<number, { description: string; schema?: Schema }>
  /** Problem statuses beyond those implied by the above. */
  problems?: ProblemStatus[]
}

/**
 * One OpenAPI operation with everything the API's plumbing adds to it:
 * the bearer scheme and its ability, rate-limit headers on every response,
 * the problem responses the middleware and handlers can give (401, 403,
 * 429, 500 always: 403 also when the workspace requires two-factor log-in
 * of the token's member, or their role does not allow the ability; 404 with an id; 400, 413 and 422 with a body; 409 and
 * 422 for Idempotency-Key on POST), and the shared parameters.
 */
export function operation(spec: OperationSpec) {
  const problems = new Set<ProblemStatus>([401, 403, 429, 500, ...(spec.problems ?? [])])
  if (spec.hasId) problems.add(404)
  if (spec.paged) problems.add(422)
  if (spec.body) [400, 413, 422].forEach((status) => problems.add(status as ProblemStatus))
  if (spec.method === 'post') [400, 409, 422].forEach((s) => problems.add(s as ProblemStatus))

  const parameters = [
    ...(spec.hasId ? [{ $ref: '#/components/parameters/Id' }] : []),
    ...(spec.paged
      ? [{ $ref: '#/components/parameters/Limit' }, { $ref: '#/components/parameters/Cursor' }]
      : []),
    ...(spec.parameters ?? []),
    ...(spec.method === 'post' ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
  ]

  const responses: Record<string, unknown> = {}
  for (const [status, { description, schema }] of Object.entries(spec.responses)) {
    responses[status] = {
      description,
      headers: rateLimitHeaders,
      ...(schema ? { content: { 'application/json': { schema } } } : {}),
    }
  }
  for (const status of [...problems].sort()) responses[status] = problemResponse(status)

  const requirement = spec.ability
    ? `Requires a token with \`${spec.ability}\`.`
    : 'Any valid token.'
  return {
    [spec.method]: {
      operationId: spec.operationId,
      summary: spec.summary,
      description: [spec.description, requirement].filter(Boolean).join('\n\n'),
      tags: [spec.tag],
      security: [{ accessToken: [] }],
      ...(spec.ability ? { 'x-required-ability': spec.ability } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(spec.body
        ? {
            requestBody: { required: true, content: { 'application/json': { schema: spec.body } } },
          }
        : {}),
      responses,
    },
  }
}

/**
 * A list response: `{ data: [<schema>], next_cursor }`.
 */
export function listSchema(schemaName: string) {
  return {
    type: 'object',
    required: ['data', 'next_cursor'],
    additionalProperties: false,
    properties: {
      data: { type: 'array', items: ref(schemaName) },
      next_cursor: {
        type: ['string', 'null'],
        description: 'Pass as `cursor` for the next page; null on the last page.',
      },
    },
  }
}

export { sharedParameters, ref }
