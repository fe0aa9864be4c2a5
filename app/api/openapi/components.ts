import { TOKEN_ABILITIES, TOKEN_ABILITY_DESCRIPTIONS } from '#api/abilities'
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES } from '#api/problem'
import apiConfig from '#config/api'

/**
 * What every operation shares: the auth scheme, the rate-limit headers, the
 * paging and idempotency parameters and the problem responses.
 */

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

const abilityList = TOKEN_ABILITIES.map(
  (ability) => `- \`${ability}\`: ${TOKEN_ABILITY_DESCRIPTIONS[ability]}`
).join('\n')

export const securitySchemes = {
  accessToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'mlg_…',
    description:
      'A personal access token from Settings → API tokens, sent as ' +
      '`Authorization: Bearer mlg_…`. It acts in its user’s workspace only, with the ' +
      `abilities chosen when it was created:\n\n${abilityList}`,
  },
}

export const headers = {
  'RateLimit-Policy': {
    description: 'The quota and window in seconds (IETF draft): `"default";q=600;w=60`.',
    schema: { type: 'string' },
  },
  'RateLimit': {
    description: 'Requests remaining and seconds until the window resets: `"default";r=599;t=60`.',
    schema: { type: 'string' },
  },
  'X-RateLimit-Limit': {
    description: 'Requests allowed per window.',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left in this window.',
    schema: { type: 'integer' },
  },
  'Retry-After': {
    description: 'Seconds to wait before the next request.',
    schema: { type: 'integer' },
  },
}

export const rateLimitHeaders = {
  'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' },
  'RateLimit': { $ref: '#/components/headers/RateLimit' },
  'X-RateLimit-Limit': { $ref: '#/components/headers/X-RateLimit-Limit' },
  'X-RateLimit-Remaining': { $ref: '#/components/headers/X-RateLimit-Remaining' },
}

export const parameters = {
  Id: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The record’s id. Ids of another workspace answer 404.',
    schema: { type: 'integer', minimum: 1 },
  },
  Limit: {
    name: 'limit',
    in: 'query',
    required: false,
    description: `Items per page, 1 to ${apiConfig.pageLimit.max}.`,
    schema: {
      type: 'integer',
      minimum: 1,
      maximum: apiConfig.pageLimit.max,
      default: apiConfig.pageLimit.default,
    },
  },
  Cursor: {
    name: 'cursor',
    in: 'query',
    required: false,
    description: 'The `next_cursor` of the previous page (opaque).',
    schema: { type: 'string', maxLength: 1000 },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Any unique string (a UUID). Repeating the request with the same key and body within ' +
      '24 hours returns the first response (with `Idempotent-Replayed: true`) instead of ' +
      'acting twice; another body answers 422, and 409 while the first is still running.',
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  },
}

export const problemSchemas = {
  FieldError: {
    type: 'object',
    required: ['field', 'message', 'rule'],
    additionalProperties: false,
    properties: {
      field: { type: 'string', description: 'Dotted path of the field', examples: ['email'] },
      message: { type: 'string', examples: ['Enter a valid email address'] },
      rule: { type: 'string', description: 'The rule that failed', examples: ['email'] },
    },
  },
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details. `type` opens the problem’s documentation.',
    required: ['type', 'title', 'status'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', format: 'uri' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      errors: {
        type: 'array',
        description: 'Validation problems only: every failing field.',
        items: ref('FieldError'),
      },
    },
  },
}

/**
 * One reusable response per error status.
 */
const problemResponseNames = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  422: 'UnprocessableContent',
  429: 'TooManyRequests',
  500: 'ServerError',
} as const

export type ProblemStatus = keyof typeof problemResponseNames

export const problemResponses = Object.fromEntries(
  Object.entries(problemResponseNames).map(([status, name]) => {
    const kinds = Object.entries(PROBLEM_TYPES)
      .filter(([, kind]) => kind.status === Number(status))
      .map(([slug, kind]) => `\`${slug}\`: ${kind.description}`)
    return [
      name,
      {
        description: kinds.join(' '),
        headers:
          Number(status) === 429
            ? { ...rateLimitHeaders, 'Retry-After': { $ref: '#/components/headers/Retry-After' } }
            : rateLimitHeaders,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } },
      },
    ]
  })
)

export function problemResponse(status: ProblemStatus) {
  return { $ref: `#/components/responses/${problemResponseNames[status]}` }
}
