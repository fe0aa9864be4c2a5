import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { ValidateFunction } from 'ajv'
import type { ApiResponse } from '@japa/api-client'
import { openApiDocument } from '#api/openapi/document'

type Operation = { responses: Record<string, { $ref?: string } & ResponseSpec> }
type ResponseSpec = { content?: Record<string, { schema: { $ref?: string } }> }

const DOCUMENT_ID = 'openapi.json'
let ajv: Ajv2020 | undefined
const validators = new Map<string, ValidateFunction>()

function document() {
  return openApiDocument() as {
    paths: Record<string, Record<string, Operation>>
    components: { responses: Record<string, ResponseSpec> }
  }
}

function validatorFor(schemaRef: string) {
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true })
    addFormats.default(ajv)
    ajv.addSchema(document(), DOCUMENT_ID)
  }
  let validate = validators.get(schemaRef)
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}${schemaRef}` })
    validators.set(schemaRef, validate)
  }
  return validate
}

/**
 * The document's path template for a request path (`/clients/12` →
 * `/clients/{id}`), or undefined.
 */
function templateFor(path: string) {
  return Object.keys(document().paths).find((template) => {
    const pattern = template.replace(/\{[^}]+\}/g, '[^/]+')
    return new RegExp(`^${pattern}$`).test(path)
  })
}

/**
 * Fails unless the response is one the OpenAPI document describes for this
 * operation: a documented status, the documented content type, a body
 * matching its schema, and the rate-limit headers every response carries.
 */
export function assertMatchesOpenApi(method: string, apiPath: string, response: ApiResponse) {
  const path = apiPath.split('?')[0]
  const template = templateFor(path)
  const where = `${method.toUpperCase()} ${path} → ${response.status()}`
  if (!template) throw new Error(`${where}: the path is not in the OpenAPI document`)

  const operation = document().paths[template][method.toLowerCase()]
  if (!operation) throw new Error(`${where}: the operation is not in the OpenAPI document`)

  let spec = operation.responses[String(response.status())]
  if (!spec) throw new Error(`${where}: the status is not documented`)
  if (spec.$ref) spec = document().components.responses[spec.$ref.split('/').pop()!]

  for (const header of ['ratelimit', 'ratelimit-policy', 'x-ratelimit-limit']) {
    if (!response.header(header)) throw new Error(`${where}: no ${header} header`)
  }

  if (!spec.content) {
    if (response.text()) throw new Error(`${where}: a body where none is documented`)
    return
  }
  const contentType = String(response.header('content-type') ?? '').split(';')[0]
  const media = spec.content[contentType]
  if (!media) throw new Error(`${where}: undocumented content type "${contentType}"`)
  if (!media.schema.$ref) throw new Error(`${where}: response schemas must be components`)

  const validate = validatorFor(media.schema.$ref)
  if (!validate(JSON.parse(response.text()))) {
    throw new Error(
      `${where}: the body does not match ${media.schema.$ref}: ${JSON.stringify(validate.errors, null, 1)}`
    )
  }
}

/**
 * Whether a value matches one of the document's component schemas (by
 * name, e.g. `MailingInput`), with ajv's errors when it does not.
 */
export function matchesSchema(name: string, value: unknown) {
  const validate = validatorFor(`#/components/schemas/${name}`)
  return { valid: validate(value) as boolean, errors: validate.errors ?? [] }
}
