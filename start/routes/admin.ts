/*
| The admin panel (/admin): staff moderation, the blog editor, roles and the audit log.
| Every action is authorized by a policy (AdminPanelPolicy for the sections,
| MailingPolicy and UserPolicy for one record); refusals answer 404.
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const DashboardController = () => import('#controllers/admin/dashboard_controller')
const MailingsController = () => import('#controllers/admin/mailings_controller')
const UsersController = () => import('#controllers/admin/users_controller')
const AuditLogsController = () => import('#controllers/admin/audit_logs_controller')
const PostsController = () => import('#controllers/admin/posts_controller')

router
  .group(() => {
    router.get('/', [DashboardController, 'show']).as('dashboard')

    router.get('/mailings', [MailingsController, 'index']).as('mailings.index')
    router.get('/mailings/:id', [MailingsController, 'show']).as('mailings.show')
    router.post('/mailings/:id/disable', [MailingsController, 'disable']).as('mailings.disable')
    router.post('/mailings/:id/enable', [MailingsController, 'enable']).as('mailings.enable')

    router.get('/users', [UsersController, 'index']).as('users.index')
    router.get('/users/:id', [UsersController, 'show']).as('users.show')
    router.post('/users/:id/block', [UsersController, 'block']).as('users.block')
    router.post('/users/:id/unblock', [UsersController, 'unblock']).as('users.unblock')
    router.put('/users/:id/role', [UsersController, 'updateRole']).as('users.role.update')

    router.get('/audit', [AuditLogsController, 'index']).as('audit_logs.index')

    // The blog editor: content managers and admins (PostPolicy)
    router.resource('posts', PostsController).except(['show'])
    router.post('/posts/:id/publish', [PostsController, 'publish']).as('posts.publish')
    router.post('/posts/:id/unpublish', [PostsController, 'unpublish']).as('posts.unpublish')
  })
  .prefix('/admin')
  .as('admin')
  .where('id', router.matchers.number())
  .use(middleware.auth())
