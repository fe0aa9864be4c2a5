import string from '@adonisjs/core/helpers/string'
import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import { errors as authErrors } from '@adonisjs/auth'
import { errors as bouncerErrors } from '@adonisjs/bouncer'
import { errors as lucidErrors } from '@adonisjs/lucid'
import { errors as limiterErrors } from '@adonisjs/limiter'
import env from '#start/env'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/**
 * Every kind of problem the API answers with. The key is the fragment of
 * the problem's `type` URI, which opens its entry on /docs/api/errors.
 */
export const PROBLEM_TYPES = {
  'bad-request': {
    status: 400,
    title: 'The request cannot be read',
    description: 'The body is not valid JSON, or a header is malformed.',
  },
  'unauthorized': {
    status: 401,
    title: 'Authentication required',
    description:
      'No bearer token, or one that is unknown, revoked or expired, or whose user is blocked.',
  },
  'forbidden': {
    status: 403,
    title: 'The token lacks an ability',
    description: 'The token was created without the ability this operation requires.',
  },
  'not-found': {
    status: 404,
    title: 'Not found',
    description:
      'Nothing with this id in your workspace (another workspace’s ids answer this too).',
  },
  'method-not-allowed': {
    status: 405,
    title: 'This path does not take this method',
    description: 'The path exists; `Allow` lists the methods it takes.',
  },
  'conflict': {
    status: 409,
    title: 'Conflict',
    description: 'The resource is in a state that does not allow this operation now.',
  },
  'idempotency-in-progress': {
    status: 409,
    title: 'A request with this Idempotency-Key is still running',
    description: 'Retry once the first request with this key has answered.',
  },
  'payload-too-large': {
    status: 413,
    title: 'The request body is too large',
    description: 'JSON bodies may be up to 5 MB.',
  },
  'validation-failed': {
    status: 422,
    title: 'The request is invalid',
    description: '`errors` lists every failing field with its message and rule.',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'This Idempotency-Key was used with another request',
    description: 'A key identifies one request: the same method, path and body.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too many requests',
    description: 'Wait the number of seconds in `Retry-After` before the next request.',
  },
  'server-error': {
    status: 500,
    title: 'Something went wrong on our side',
    description: 'The error is logged; retrying later may help.',
  },
} as const

export type ProblemSlug = keyof typeof PROBLEM_TYPES

export interface FieldError {
  field: string
  message: string
  rule: string
}

/**
 * An RFC 9457 problem details object.
 */
export interface ProblemDetails {
  type: string
  title: string
  status: number
  detail?: string
  errors?: FieldError[]
}

/**
 * Thrown by API code to answer with a problem of a given kind.
 */
export class ApiProblem extends Exception {
  constructor(
    readonly slug: ProblemSlug,
    detail?: string,
    readonly headers: Record<string, string | number> = {}
  ) {
    super(detail ?? PROBLEM_TYPES[slug].title, {
      status: PROBLEM_TYPES[slug].status,
      code: `E_API_${string.snakeCase(slug).toUpperCase()}`,
    })
  }
}

export function problemTypeUri(slug: ProblemSlug) {
  return `${env.get('APP_URL')}/docs/api/errors#${slug}`
}

export function problem(slug: ProblemSlug, detail?: string, errors?: FieldError[]) {
  const { status, title } = PROBLEM_TYPES[slug]
  const details: ProblemDetails = { type: problemTypeUri(slug), title, status }
  if (detail) details.detail = detail
  if (errors) details.errors = errors
  return details
}

/**
 * Any error as a problem. Only our own messages and the framework's 4xx
 * messages reach the client; a 5xx says nothing about its cause.
 */
export function problemFromError(error: unknown): {
  problem: ProblemDetails
  headers: Record<string, string | number>
} {
  if (error instanceof ApiProblem) {
    return { problem: problem(error.slug, error.message), headers: error.headers }
  }
  if (error instanceof vineErrors.E_VALIDATION_ERROR) {
    const errors = (error.messages as FieldError[]).map(({ field, message, rule }) => ({
      field: apiFieldName(field),
      message,
      rule,
    }))
    return { problem: problem('validation-failed', undefined, errors), headers: {} }
  }
  if (error instanceof authErrors.E_UNAUTHORIZED_ACCESS) {
    return {
      problem: problem('unauthorized', 'Send a valid access token: Authorization: Bearer mlg_…'),
      headers: { 'WWW-Authenticate': 'Bearer realm="api"' },
    }
  }
  if (
    error instanceof bouncerErrors.E_AUTHORIZATION_FAILURE ||
    error instanceof lucidErrors.E_ROW_NOT_FOUND
  ) {
    return { problem: problem('not-found'), headers: {} }
  }
  if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
    return {
      problem: problem('rate-limited'),
      headers: { 'Retry-After': error.response.availableIn },
    }
  }

  const status = Number((error as { status?: unknown }).status)
  if (status === 413) return { problem: problem('payload-too-large'), headers: {} }
  if (status === 404) return { problem: problem('not-found'), headers: {} }
  if (status >= 400 && status < 500) {
    const message = (error as { message?: unknown }).message
    return {
      problem: problem('bad-request', typeof message === 'string' ? message : undefined),
      headers: {},
    }
  }
  return { problem: problem('server-error'), headers: {} }
}

export function sendProblem(
  response: HttpContext['response'],
  details: ProblemDetails,
  headers: Record<string, string | number> = {}
) {
  for (const [name, value] of Object.entries(headers)) response.header(name, value)
  response.header('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
  response.status(details.status).send(JSON.stringify(details))
}

/**
 * The API spells fields in snake_case; validators name them in camelCase
 * (`clientIds.2` → `client_ids.2`). An attribute's key is the workspace's
 * own, kept as sent (`attributes.plan2`, not `attributes.plan_2`).
 */
export function apiFieldName(field: string) {
  const parts = field.split('.')
  return parts
    .map((part, index) =>
      /^\d+$/.test(part) || parts[index - 1] === 'attributes' ? part : string.snakeCase(part)
    )
    .join('.')
}
