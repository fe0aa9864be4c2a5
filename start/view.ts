/*
|--------------------------------------------------------------------------
| Edge globals
|--------------------------------------------------------------------------
*/

import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import edge from 'edge.js'
import app from '@adonisjs/core/services/app'

const versions = new Map<string, string>()

/**
 * URL of a file under public/ with a content hash in its query string, so
 * the static server's year-long, immutable caching is safe.
 */
function asset(path: string) {
  const url = path.startsWith('/') ? path : `/${path}`
  let version = versions.get(url)
  if (!version) {
    version = createHash('sha1')
      .update(readFileSync(app.publicPath(url.slice(1))))
      .digest('hex')
      .slice(0, 10)
    if (app.inProduction) versions.set(url, version)
  }
  return `${url}?v=${version}`
}

edge.global('asset', asset)
edge.global('appName', 'Mailings')
edge.global('currentYear', () => new Date().getFullYear())
