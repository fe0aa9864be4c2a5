import env from '#start/env'
import { API_PREFIX } from '#api/request'
import {
  headers,
  parameters,
  problemResponses,
  problemSchemas,
  securitySchemes,
} from '#api/openapi/components'
import { meResource } from '#api/openapi/resources/me'
import { clientsResource } from '#api/openapi/resources/clients'
import { messagesResource } from '#api/openapi/resources/messages'
import { mailingsResource } from '#api/openapi/resources/mailings'
import { webhooksResource } from '#api/openapi/resources/webhooks'
import { suppressionsResource } from '#api/openapi/resources/suppressions'
import { audiencesResource } from '#api/openapi/resources/audiences'

/**
 * One resource's part of the document: its tag, the schemas its
 * serializers describe, and its paths (relative to /api/v1).
 */
export interface ApiResource {
  tag: { name: string; description: string }
  schemas: Record<string, unknown>
  paths: Record<string, Record<string, unknown>>
}

/**
 * The resources of the API, in the order the reference lists them. To add
 * one: describe it in resources/<name>.ts (with `operation()`), list it here.
 */
const RESOURCES: ApiResource[] = [
  meResource,
  clientsResource,
  audiencesResource,
  suppressionsResource,
  messagesResource,
  mailingsResource,
  webhooksResource,
]

let document: Record<string, unknown> | undefined

/**
 * The OpenAPI 3.1 document of the API, built once per process.
 */
export function openApiDocument() {
  document ??= buildDocument()
  return document
}

function buildDocument() {
  const appUrl = env.get('APP_URL')
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mailings API',
      version: '1.0.0',
      description:
        'Manage clients, messages, mailings and webhook endpoints of your workspace from your ' +
        'own systems. ' +
        `Guide: authentication, pagination, errors, idempotency and rate limits at ${appUrl}/docs/api.`,
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    // Relative to where the document is served: right on every instance.
    servers: [{ url: API_PREFIX }],
    security: [{ accessToken: [] }],
    tags: RESOURCES.map((resource) => resource.tag),
    paths: Object.assign({}, ...RESOURCES.map((resource) => resource.paths)),
    components: {
      securitySchemes,
      schemas: Object.assign({}, problemSchemas, ...RESOURCES.map((resource) => resource.schemas)),
      parameters,
      headers,
      responses: problemResponses,
    },
  }
}
