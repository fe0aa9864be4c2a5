import { Settings } from 'luxon'
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
  generateRequestId: true,
  allowMethodSpoofing: true,

  /**
   * Enabling async local storage will let you access HTTP context
   * from anywhere inside your application.
   */
  useAsyncLocalStorage: false,

  /**
   * Behind a load balancer the client's IP comes from X-Forwarded-For; the
   * login rate limit is keyed on it.
   */
  trustProxy: () => true,

  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
})
