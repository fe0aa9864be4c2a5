/*
|--------------------------------------------------------------------------
| Edge globals
|--------------------------------------------------------------------------
*/

import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import edge from 'edge.js'
import { DateTime } from 'luxon'
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

/**
 * The CSRF helpers are shared with each page by the shield middleware. A
 * page rendered before it ran (an error answered by the multipart reader:
 * 413, 415) gets empty ones instead of failing to render: its forms would be
 * refused, which is right for a request that never got a token.
 */
edge.global('csrfField', () => '')
edge.global('csrfMeta', () => '')
edge.global('appName', 'Mailings')
edge.global('currentYear', () => new Date().getFullYear())

/**
 * A time as the workspace reads it: in its own zone.
 */
edge.global('formatDateTime', (value: DateTime | null | undefined, zone = 'UTC') =>
  value ? value.setZone(zone).toFormat('d LLL yyyy, HH:mm') : '—'
)

/**
 * A day, for public pages (an ISO string or a DateTime, shown in UTC).
 */
edge.global('formatDay', (value: DateTime | string | null | undefined) => {
  const day = typeof value === 'string' ? DateTime.fromISO(value, { zone: 'utc' }) : value
  return day ? day.toUTC().toFormat('d LLLL yyyy') : ''
})

/**
 * The value of a `datetime-local` input for a time, in a zone.
 */
edge.global('toLocalInput', (value: DateTime | null | undefined, zone = 'UTC') =>
  value ? value.setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm") : ''
)

edge.global('mailingStatusClass', (status: string) => {
  const classes: Record<string, string> = {
    created: 'text-bg-secondary',
    running: 'text-bg-primary',
    paused: 'text-bg-warning',
    completed: 'text-bg-success',
    disabled: 'text-bg-danger',
  }
  return classes[status] ?? 'text-bg-light'
})

/**
 * A success rate (0..1, or null before anything was tried) as a percentage
 * with at most one decimal. public/js/mailing_stats.js formats alike.
 */
edge.global('formatRate', (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`
)

edge.global('runStatusClass', (status: string) => {
  const classes: Record<string, string> = {
    running: 'text-bg-primary',
    paused: 'text-bg-warning',
    completed: 'text-bg-success',
    missed: 'text-bg-danger',
  }
  return classes[status] ?? 'text-bg-light'
})
