import string from '@adonisjs/core/helpers/string'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * A JSON body's fields renamed from the API's snake_case to the camelCase
 * the validators (shared with the web forms) name them in. Validation
 * errors are renamed back (`apiFieldName` in problem.ts).
 */
export function apiBody(request: HttpContext['request']) {
  return camelKeys(request.body())
}

export function camelKeys(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {}
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [string.camelCase(key), field])
  )
}
