/*
| The admin panel (/admin): staff moderation, the blog editor, roles and the audit log
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const PostsController = () => import('#controllers/admin/posts_controller')

/*
| The blog editor: content managers and admins (PostPolicy)
*/
router
  .group(() => {
    router.resource('posts', PostsController).except(['show']).where('id', router.matchers.number())
    router
      .post('/posts/:id/publish', [PostsController, 'publish'])
      .where('id', router.matchers.number())
      .as('posts.publish')
    router
      .post('/posts/:id/unpublish', [PostsController, 'unpublish'])
      .where('id', router.matchers.number())
      .as('posts.unpublish')
  })
  .prefix('/admin')
  .as('admin')
  .use(middleware.auth())
