import { Settings } from 'luxon'
import proxyaddr from 'proxy-addr'
import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { Secret } from '@adonisjs/core/helpers'
import { defineConfig } from '@adonisjs/core/http'

/**
 * Every process reads and writes times in UTC, whatever the machine's zone:
 * SQLite stores timestamps as text without an offset. Workspaces' own zones
 * are applied when showing and scheduling.
 */
Settings.defaultZone = 'utc'

/**
 * The app key is used for encrypting cookies, generating signed URLs,
 * and by the "encryption" module.
 */
export const appKey = new Secret(env.get('APP_KEY'))

/**
 * The public URL of the app: links in emails are built from it.
 */
export const appUrl = env.get('APP_URL').replace(/\/+$/, '')

export const http = defineConfig({
  /**
   * Off: RequestIdMiddleware gives every request its id, taking an
   * incoming X-Request-Id only from TRUSTED_PROXIES and only when well
   * formed (app/services/http/request_ids.ts); the framework would take any
   * client's header as it is.
   */
  generateRequestId: false,
  allowMethodSpoofing: true,

  /**
   * Enabling async local storage will let you access HTTP context
   * from anywhere inside your application.
   */
  useAsyncLocalStorage: false,

  /**
   * X-Forwarded-For (and -Proto, -Host) are believed only from the proxies
   * listed in TRUSTED_PROXIES (loopback by default): request.ip() is the
   * nearest address that is not one of them. Believing the header from
   * anyone let every client pick the IP that log-in throttling, mail limits
   * and the API's per-IP quota count it under.
   */
  trustProxy: proxyaddr.compile(env.get('TRUSTED_PROXIES')),

  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
})
