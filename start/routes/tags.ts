/*
| Clients → Tags (issue 15), and the clients list's bulk tagging
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const TagsController = () => import('#controllers/tags_controller')

router
  .group(() => {
    router.get('/tags', [TagsController, 'index']).as('tags.index')
    router.post('/tags', [TagsController, 'store']).as('tags.store')
    router
      .get('/tags/:id/edit', [TagsController, 'edit'])
      .where('id', router.matchers.number())
      .as('tags.edit')
    router
      .put('/tags/:id', [TagsController, 'update'])
      .where('id', router.matchers.number())
      .as('tags.update')
    router
      .delete('/tags/:id', [TagsController, 'destroy'])
      .where('id', router.matchers.number())
      .as('tags.destroy')
    router.post('/bulk-tag', [TagsController, 'bulk']).as('clients.bulk_tag')
  })
  .prefix('/clients')
  .use([middleware.auth(), middleware.tenant()])
