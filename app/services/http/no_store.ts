import type { HttpContext } from '@adonisjs/core/http'

/**
 * For the public pages that answer one visitor at one moment (the links in
 * every message, sign-up forms): nothing for a cache to keep, nor for
 * search engines to list, and no address of ours leaked in a Referer.
 */
export function noStore(response: HttpContext['response']) {
  response.header('Cache-Control', 'no-store')
  response.header('X-Robots-Tag', 'noindex')
  response.header('Referrer-Policy', 'no-referrer')
}
