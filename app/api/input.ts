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
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [camelName(key), field]))
}

/**
 * Field names seen so far and their camelCase. `string.camelCase` costs a few
 * microseconds a call, which a bulk request of 1,000 items pays 3,000 times;
 * the names a client sends are few, and the cache stops growing at 1,000 so
 * made-up keys cannot fill the memory.
 */
const camelNames = new Map<string, string>()
const CAMEL_NAMES_LIMIT = 1000

function camelName(key: string) {
  let name = camelNames.get(key)
  if (name === undefined) {
    name = string.camelCase(key)
    if (camelNames.size < CAMEL_NAMES_LIMIT) camelNames.set(key, name)
  }
  return name
}
