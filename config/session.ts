import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, stores } from '@adonisjs/session'

/**
 * How long an idle session lives. Each request pushes the expiry back, so
 * this is "logged out after 2 hours without a request" (unless "remember
 * me" was ticked). The record of active sessions (app/services/
 * accounts/active_sessions.ts) expires with it.
 */
export const SESSION_AGE = '2h'

/**
 * Sessions live on the server, in Redis (the `main` connection), and the
 * cookie carries only a signed session id. Ending a session (log-out, a
 * password change or reset, a block, "log out everywhere else") deletes it
 * there, so a copied cookie is dead from then on. A cookie store would keep
 * the whole session in the cookie, where nothing can end it: it is not
 * offered. `memory` is for tests and a single development process.
 */
const store = env.get('SESSION_DRIVER', 'redis')
if (store === 'memory' && app.inProduction) {
  // Each process would keep its own sessions, out of reach of log-out
  // everywhere, password changes and blocks, which end them in Redis.
  throw new Error(
    'SESSION_DRIVER=memory is for tests; in production sessions live in Redis (SESSION_DRIVER=redis)'
  )
}

const sessionConfig = defineConfig({
  enabled: true,
  cookieName: 'mailings-session',
  clearWithBrowser: false,
  age: SESSION_AGE,

  cookie: {
    path: '/',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },

  store,

  stores: {
    redis: stores.redis({ connection: 'main' }),
  },
})

export default sessionConfig
