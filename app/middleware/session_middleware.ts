import { inject } from '@adonisjs/core'
import { configProvider } from '@adonisjs/core'
import app from '@adonisjs/core/services/app'
import emitter from '@adonisjs/core/services/emitter'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { Session } from '@adonisjs/session'
import type { ResolvedSessionConfig, SessionStoreFactory } from '@adonisjs/session/types'
import AdonisSessionMiddleware from '@adonisjs/session/session_middleware'
import { isApiRequest } from '#api/request'

/**
 * Routes, by name, that serve people who are not our users and must work
 * with the database alone: the unsubscribe link's page (the preference
 * page) and its RFC 8058 one-click POST, which mail programs send once,
 * without cookies, and do not retry. With a session in Redis they answered
 * 500 while Redis was away, and the unsubscribe was lost. The preference
 * page's own forms keep no session either (their token is their key).
 */
const SESSIONLESS_ROUTES = new Set([
  'preferences.show',
  'preferences.update',
  'preferences.resubscribe',
  'unsubscribe.store',
  // A business's sign-up form, hosted or posted from its own site: visitors
  // are not our users, and the form must work while Redis is away.
  'signup_forms.public.show',
  'signup_forms.public.store',
  // Sending providers reporting bounces: machines, signed requests.
  'bounce_webhooks.ses',
  'bounce_webhooks.postmark',
  'bounce_webhooks.sendgrid',
  'bounce_webhooks.mailgun',
])

let resolvedConfig: Promise<ResolvedSessionConfig> | undefined

function sessionConfig() {
  resolvedConfig ??= configProvider
    .resolve<ResolvedSessionConfig>(app, app.config.get('session'))
    .then((config) => config!)
  return resolvedConfig
}

/**
 * AdonisJS's session middleware, except for requests that never use a
 * session: the API (bearer tokens) and the routes above, when they come
 * without a session cookie. The framework would read a fresh session id
 * from Redis for each of them, and write one back once Shield's CSRF guard
 * had stored its secret in it: a key per API call kept for the session's
 * idle lifetime (an integration polling the API filled Redis with them),
 * and a failed request whenever Redis is away. They get a session in memory
 * that is never committed: no Redis, no cookie. A request that brings a
 * session cookie (a logged-in user opening their own link) keeps its
 * session as usual.
 */
@inject()
export default class SessionMiddleware {
  constructor(protected sessions: AdonisSessionMiddleware<Record<string, SessionStoreFactory>>) {}

  async handle(ctx: HttpContext, next: NextFn) {
    if (isApiRequest(ctx) || SESSIONLESS_ROUTES.has(ctx.route?.name ?? '')) {
      const config = await sessionConfig()
      const session = new Session(config, config.stores.memory, emitter, ctx)
      if (session.fresh) {
        ctx.session = session
        await session.initiate(false)
        return next()
      }
    }
    return this.sessions.handle(ctx, next)
  }
}
