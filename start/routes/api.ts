/*
| The public API (/api/v1), its OpenAPI document and reference page
|
| Every route of the group answers JSON, problem details on errors
| (app/exceptions/handler.ts), carries rate-limit headers, accepts an
| Idempotency-Key on POST, and needs a token with the ability in its
| `ability(...)`. A new resource: its routes here, its controller in
| app/controllers/api/, its serializer in app/api/serializers/ and its
| description in app/api/openapi/resources/ (listed in document.ts).
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { API_PREFIX } from '#api/request'

const AccessTokensController = () => import('#controllers/settings/access_tokens_controller')
const ApiDocsController = () => import('#controllers/api/docs_controller')
const OpenApiController = () => import('#controllers/api/openapi_controller')
const MeController = () => import('#controllers/api/me_controller')
const ClientsController = () => import('#controllers/api/clients_controller')
const MessagesController = () => import('#controllers/api/messages_controller')
const MailingsController = () => import('#controllers/api/mailings_controller')
const MailingStatsController = () => import('#controllers/api/mailing_stats_controller')
const WebhooksController = () => import('#controllers/api/webhooks_controller')
const SuppressionsController = () => import('#controllers/api/suppressions_controller')
const AudiencesController = () => import('#controllers/api/audiences_controller')

/*
| Settings → API tokens, and the reference pages
*/
router
  .group(() => {
    router.get('/settings/tokens', [AccessTokensController, 'index']).as('index')
    router.post('/settings/tokens', [AccessTokensController, 'store']).as('store')
    router
      .delete('/settings/tokens/:id', [AccessTokensController, 'destroy'])
      .where('id', router.matchers.number())
      .as('destroy')
  })
  .as('settings.tokens')
  .use([middleware.auth(), middleware.tenant()])

router.get('/docs/api', [ApiDocsController, 'show']).as('docs.api')
router.get('/docs/api/errors', [ApiDocsController, 'errors']).as('docs.api.errors')

router
  .get(`${API_PREFIX}/openapi.json`, [OpenApiController, 'show'])
  .as('api.v1.openapi')
  .use(middleware.apiRateLimit())

router
  .group(() => {
    router.get('/me', [MeController, 'show']).as('me')

    router
      .group(() => {
        const read = middleware.ability('clients:read')
        const write = middleware.ability('clients:write')
        router.get('/clients', [ClientsController, 'index']).as('index').use(read)
        router.post('/clients', [ClientsController, 'store']).as('store').use(write)
        router.post('/clients/bulk', [ClientsController, 'bulk']).as('bulk').use(write)
        router.get('/clients/:id', [ClientsController, 'show']).as('show').use(read)
        router.put('/clients/:id', [ClientsController, 'update']).as('update').use(write)
        router.delete('/clients/:id', [ClientsController, 'destroy']).as('destroy').use(write)
      })
      .as('clients')
      .where('id', router.matchers.number())

    // What clients are labelled with: read with the clients.
    router
      .group(() => {
        router.get('/tags', [AudiencesController, 'tags']).as('tags')
        router.get('/attributes', [AudiencesController, 'attributes']).as('attributes')
      })
      .as('audiences')
      .use(middleware.ability('clients:read'))

    router
      .group(() => {
        const read = middleware.ability('suppressions:read')
        const write = middleware.ability('suppressions:write')
        router.get('/suppressions', [SuppressionsController, 'index']).as('index').use(read)
        router.post('/suppressions', [SuppressionsController, 'store']).as('store').use(write)
        router
          .delete('/suppressions/:address', [SuppressionsController, 'destroy'])
          .as('destroy')
          .use(write)
      })
      .as('suppressions')

    router
      .group(() => {
        const read = middleware.ability('messages:read')
        const write = middleware.ability('messages:write')
        router.get('/messages', [MessagesController, 'index']).as('index').use(read)
        router.post('/messages', [MessagesController, 'store']).as('store').use(write)
        router.get('/messages/:id', [MessagesController, 'show']).as('show').use(read)
        router.put('/messages/:id', [MessagesController, 'update']).as('update').use(write)
        router.delete('/messages/:id', [MessagesController, 'destroy']).as('destroy').use(write)
      })
      .as('messages')
      .where('id', router.matchers.number())

    router
      .group(() => {
        const read = middleware.ability('mailings:read')
        const write = middleware.ability('mailings:write')
        router.get('/mailings', [MailingsController, 'index']).as('index').use(read)
        router.post('/mailings', [MailingsController, 'store']).as('store').use(write)
        router.get('/mailings/:id', [MailingsController, 'show']).as('show').use(read)
        router.put('/mailings/:id', [MailingsController, 'update']).as('update').use(write)
        router.delete('/mailings/:id', [MailingsController, 'destroy']).as('destroy').use(write)
        router.post('/mailings/:id/send', [MailingsController, 'send']).as('send').use(write)
        router.post('/mailings/:id/pause', [MailingsController, 'pause']).as('pause').use(write)
        router.post('/mailings/:id/resume', [MailingsController, 'resume']).as('resume').use(write)
        router.get('/mailings/:id/stats', [MailingStatsController, 'show']).as('stats').use(read)
        router
          .get('/mailings/:id/deliveries', [MailingStatsController, 'deliveries'])
          .as('deliveries')
          .use(read)
      })
      .as('mailings')
      .where('id', router.matchers.number())

    router
      .group(() => {
        router.get('/webhooks', [WebhooksController, 'index']).as('index')
        router.post('/webhooks', [WebhooksController, 'store']).as('store')
        router.get('/webhooks/:id', [WebhooksController, 'show']).as('show')
        router.patch('/webhooks/:id', [WebhooksController, 'update']).as('update')
        router.delete('/webhooks/:id', [WebhooksController, 'destroy']).as('destroy')
        router
          .post('/webhooks/:id/rotate-secret', [WebhooksController, 'rotateSecret'])
          .as('rotate_secret')
        router.get('/webhooks/:id/deliveries', [WebhooksController, 'deliveries']).as('deliveries')
        router
          .post('/webhooks/:id/deliveries/:deliveryId/redeliver', [WebhooksController, 'redeliver'])
          .as('redeliver')
      })
      .as('webhooks')
      .where('id', router.matchers.number())
      .where('deliveryId', router.matchers.number())
      .use(middleware.ability('webhooks:manage'))
  })
  .prefix(API_PREFIX)
  .as('api.v1')
  .use([middleware.apiRateLimit(), middleware.apiAuth(), middleware.apiIdempotency()])
