/*
| Webhook endpoints in Settings
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const WebhooksController = () => import('#controllers/settings/webhooks_controller')

router
  .group(() => {
    router
      .resource('webhooks', WebhooksController)
      .as('settings.webhooks', false)
      .where('id', router.matchers.number())
    router
      .post('/webhooks/:id/rotate-secret', [WebhooksController, 'rotateSecret'])
      .where('id', router.matchers.number())
      .as('settings.webhooks.rotate_secret')
    router
      .post('/webhooks/:id/test', [WebhooksController, 'test'])
      .where('id', router.matchers.number())
      .as('settings.webhooks.test')
    router
      .post('/webhooks/:id/deliveries/:deliveryId/redeliver', [WebhooksController, 'redeliver'])
      .where('id', router.matchers.number())
      .where('deliveryId', router.matchers.number())
      .as('settings.webhooks.redeliver')
  })
  .prefix('/settings')
  .use([middleware.auth(), middleware.tenant()])
