import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

/**
 * The secret a monitoring system presents: `Authorization: Bearer <token>`
 * or `x-monitoring-secret: <token>`. Never the query string, which ends up
 * in access logs and proxies' caches.
 */
export function presentedToken(headers: IncomingHttpHeaders): string | null {
  const secret = headers['x-monitoring-secret']
  if (typeof secret === 'string' && secret !== '') return secret
  const authorization = headers.authorization
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  return bearer ? bearer[1] : null
}

/**
 * Compares in constant time. Both sides are hashed first, so neither the
 * time taken nor an early length mismatch tells how close a guess was.
 */
export function tokenMatches(expected: string | undefined, presented: string | null) {
  if (!expected || presented === null) return false
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(expected), digest(presented))
}
