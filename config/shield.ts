import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/shield'
import { isApiRequest } from '#api/request'

/**
 * Routes that must accept a POST without a CSRF token, by name. None of
 * them acts on a session: what they may do is decided by a secret in
 * their URL, which a forged cross-site request would not know.
 *
 * - `unsubscribe.store`: the RFC 8058 one-click unsubscribe that mail
 *   programs send without cookies; the opaque token in its URL is the
 *   authorization.
 * - `preferences.update`, `preferences.resubscribe`: the preference page's
 *   forms, opened from a mail without a session; the same token is their
 *   authorization (a forged request could only change the preferences of
 *   a link its author already holds).
 * - `bounce_webhooks.*`: sending providers reporting bounces; each request
 *   is authorized by the provider's signature (bounce_webhooks_controller.ts).
 * - `signup_forms.public.store`: a sign-up form's submissions, from our
 *   hosted page or a snippet pasted on any site (which has no token of
 *   ours). It acts on no session; the honeypot, the rate limits and the
 *   double opt-in protect it (public_signup_forms_controller.ts).
 */
const CSRF_EXEMPT_ROUTES = new Set([
  'unsubscribe.store',
  'preferences.update',
  'preferences.resubscribe',
  'signup_forms.public.store',
  'bounce_webhooks.ses',
  'bounce_webhooks.postmark',
  'bounce_webhooks.sendgrid',
  'bounce_webhooks.mailgun',
])

function isApiReference(url: string | undefined) {
  return url === '/docs/api' || url?.startsWith('/docs/api?') === true
}

/**
 * A sign-up form's hosted page (/f/<token>, not its confirmation links):
 * a form with a redirect address answers its POST with a 303 to the
 * business's own site, and browsers hold a form's redirects to
 * `form-action` too.
 */
function isHostedSignupForm(url: string | undefined) {
  return /^\/f\/[0-9A-Za-z]{24,40}(?:\?|$)/.test(url ?? '')
}

const shieldConfig = defineConfig({
  /**
   * No inline scripts or styles anywhere: every script is a file under
   * public/ or a vendored package, so the policy can stay strict.
   */
  csp: {
    enabled: true,
    directives: {
      defaultSrc: [`'self'`],
      scriptSrc: [`'self'`],
      // The API reference viewer (/docs/api) styles its components with
      // inline <style> elements; no other page may.
      styleSrc: [
        `'self'`,
        (request) => (isApiReference(request.url) ? `'unsafe-inline'` : `'self'`),
      ],
      imgSrc: [`'self'`, 'data:'],
      fontSrc: [`'self'`, 'data:'],
      connectSrc: [`'self'`],
      objectSrc: [`'none'`],
      baseUri: [`'self'`],
      formAction: [
        `'self'`,
        (request) => (isHostedSignupForm(request.url) ? 'https: http:' : `'self'`),
      ],
      frameAncestors: [`'none'`],
    },
    reportOnly: false,
  },

  csrf: {
    enabled: true,
    exceptRoutes: (ctx) => CSRF_EXEMPT_ROUTES.has(ctx.route?.name ?? '') || isApiRequest(ctx),
    enableXsrfCookie: false,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },

  xFrame: {
    enabled: true,
    action: 'DENY',
  },

  hsts: {
    enabled: app.inProduction,
    maxAge: '180 days',
  },

  contentTypeSniffing: {
    enabled: true,
  },
})

export default shieldConfig
