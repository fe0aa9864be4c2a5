/*
| Clients → Attributes (issue 15): the workspace's custom fields
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const AttributeDefinitionsController = () => import('#controllers/attribute_definitions_controller')

router
  .group(() => {
    router
      .resource('attributes', AttributeDefinitionsController)
      .except(['show'])
      .where('id', router.matchers.number())
  })
  .prefix('/clients')
  .use([middleware.auth(), middleware.tenant()])
