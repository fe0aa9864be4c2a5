import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { isRecordId } from '#validators/rules/record_id'

/**
 * Refuses, for every route, input no route can take, before any query sees
 * it (each would otherwise fail in the database, a 500 on PostgreSQL):
 *
 * - an id in the path (`:id`, `:deliveryId`...) that no row can have: not
 *   digits, zero, or beyond the 32-bit keys (404, as for a missing row).
 *   Parameters so named always hold a record id: a route whose parameter
 *   is something else names it otherwise (`:handle`, `:token`);
 * - a NUL character in any field of the query string or the body, which
 *   PostgreSQL cannot store or compare in text (400 naming the field).
 */
export default class InputGuardMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    for (const [name, value] of Object.entries(ctx.params ?? {})) {
      if ((name === 'id' || name.endsWith('Id')) && !isIdParam(value)) {
        throw new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
      }
    }

    const field = fieldWithNul(ctx.request.qs(), '') ?? fieldWithNul(ctx.request.body(), '')
    if (field !== null) {
      throw new Exception(`The field "${field || 'body'}" contains a NUL character`, {
        status: 400,
        code: 'E_NUL_CHARACTER',
      })
    }
    return next()
  }
}

function isIdParam(value: unknown) {
  return (
    (typeof value === 'number' && isRecordId(value)) ||
    (typeof value === 'string' && /^\d{1,10}$/.test(value) && isRecordId(Number(value)))
  )
}

/**
 * The path of the first field holding a NUL character, or null.
 */
function fieldWithNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null
  if (!value || typeof value !== 'object') return null
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key
    if (key.includes('\u0000')) return itemPath
    const found = fieldWithNul(item, itemPath)
    if (found !== null) return found
  }
  return null
}
