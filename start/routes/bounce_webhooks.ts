/*
| Provider webhooks reporting bounces and complaints (README, "Bounces and
| complaints"): no session, no CSRF (config/shield.ts), a signature each;
| bounded and rate-limited by BounceWebhookGuardMiddleware (start/kernel.ts).
*/

import router from '@adonisjs/core/services/router'

const BounceWebhooksController = () => import('#controllers/bounce_webhooks_controller')

router
  .group(() => {
    router.post('/ses', [BounceWebhooksController, 'ses']).as('bounce_webhooks.ses')
    router.post('/postmark', [BounceWebhooksController, 'postmark']).as('bounce_webhooks.postmark')
    router.post('/sendgrid', [BounceWebhooksController, 'sendgrid']).as('bounce_webhooks.sendgrid')
    router.post('/mailgun', [BounceWebhooksController, 'mailgun']).as('bounce_webhooks.mailgun')
  })
  .prefix('/webhooks/bounces')
