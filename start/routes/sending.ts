/*
| Settings → Sending: the workspace's sender and its sending domains
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const SendingController = () => import('#controllers/settings/sending_controller')

router
  .group(() => {
    router.get('/sending', [SendingController, 'show']).as('settings.sending.show')
    router.put('/sending', [SendingController, 'update']).as('settings.sending.update')
    router
      .post('/sending/domains', [SendingController, 'storeDomain'])
      .as('settings.sending.domains.store')
    router
      .post('/sending/domains/:id/check', [SendingController, 'check'])
      .where('id', router.matchers.number())
      .as('settings.sending.domains.check')
    router
      .delete('/sending/domains/:id', [SendingController, 'destroyDomain'])
      .where('id', router.matchers.number())
      .as('settings.sending.domains.destroy')
  })
  .prefix('/settings')
  .use([middleware.auth(), middleware.tenant()])
