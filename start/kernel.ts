/*
|--------------------------------------------------------------------------
| HTTP kernel file
|--------------------------------------------------------------------------
|
| The HTTP kernel file is used to register the middleware with the server
| or the router.
|
*/

import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'

/**
 * The error handler is used to convert an exception
 * to an HTTP response.
 */
server.errorHandler(() => import('#exceptions/handler'))

/**
 * The server middleware stack runs middleware on all the HTTP
 * requests, even if there is no route registered for
 * the request URL.
 */
server.use([
  // First: everything after it, errors included, logs under the request's id.
  () => import('#middleware/request_id_middleware'),
  () => import('#middleware/request_log_middleware'),
  // Times everything after it, the other middleware included.
  () => import('#middleware/http_metrics_middleware'),
  () => import('#middleware/container_bindings_middleware'),
  // Probes and scrapes are answered here, never reaching the router's
  // session and CSRF middleware (see the file).
  () => import('#middleware/monitoring_endpoints_middleware'),
  () => import('#middleware/public_responses_middleware'),
  // Provider bounce webhooks: size bound and rate limit before the body is read.
  () => import('#middleware/bounce_webhook_guard_middleware'),
  // Public sign-up form posts: size bound before the body is read.
  () => import('#middleware/signup_form_guard_middleware'),
  () => import('#middleware/versioned_assets_middleware'),
  () => import('@adonisjs/static/static_middleware'),
])

/**
 * The router middleware stack runs middleware on all the HTTP
 * requests with a registered route.
 */
router.use([
  () => import('@adonisjs/core/bodyparser_middleware'),
  () => import('#middleware/session_middleware'),
  () => import('@adonisjs/auth/initialize_auth_middleware'),
  () => import('#middleware/initialize_bouncer_middleware'),
  () => import('#middleware/silent_auth_middleware'),
  // Multipart bodies are read once the user is known, and before the CSRF
  // check reads their `_csrf` field (config/uploads.ts).
  () => import('#middleware/multipart_middleware'),
  () => import('@adonisjs/shield/shield_middleware'),
  () => import('#middleware/input_guard_middleware'),
])

/**
 * Named middleware collection must be explicitly assigned to
 * the routes or the routes group.
 */
export const middleware = router.named({
  guest: () => import('#middleware/guest_middleware'),
  auth: () => import('#middleware/auth_middleware'),
  tenant: () => import('#middleware/tenant_middleware'),
  httpCache: () => import('#middleware/http_cache_middleware'),
  apiRateLimit: () => import('#middleware/api_rate_limit_middleware'),
  apiAuth: () => import('#middleware/api_auth_middleware'),
  apiIdempotency: () => import('#middleware/api_idempotency_middleware'),
  ability: () => import('#middleware/api_ability_middleware'),
})
