/*
| Public pages: the blog and its articles
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { COVER_NAME } from '#services/blog/covers'

const BlogController = () => import('#controllers/blog_controller')
const UploadsController = () => import('#controllers/uploads_controller')

router
  .group(() => {
    router.get('/blog', [BlogController, 'index']).as('blog.index')
    router
      .get('/blog/:slug', [BlogController, 'show'])
      .where('slug', /^[a-z0-9]+(?:-[a-z0-9]+)*$/)
      .as('blog.show')
  })
  .use(middleware.httpCache())

router
  .get('/uploads/covers/:name', [UploadsController, 'cover'])
  .where('name', COVER_NAME)
  .as('uploads.cover')
