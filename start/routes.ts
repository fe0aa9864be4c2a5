/*
|--------------------------------------------------------------------------
| Routes
|--------------------------------------------------------------------------
|
| Every route is named; controllers are imported lazily.
|
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const HomeController = () => import('#controllers/home_controller')
const SignUpController = () => import('#controllers/auth/sign_up_controller')
const SessionsController = () => import('#controllers/auth/sessions_controller')
const EmailVerificationsController = () =>
  import('#controllers/auth/email_verifications_controller')
const PasswordResetsController = () => import('#controllers/auth/password_resets_controller')
const DashboardController = () => import('#controllers/dashboard_controller')
const ProfileController = () => import('#controllers/settings/profile_controller')
const AdminController = () => import('#controllers/admin_controller')

router.get('/', [HomeController, 'show']).as('home')

/*
| Accounts
*/
router
  .group(() => {
    router.get('/signup', [SignUpController, 'create']).as('sign_up.create')
    router.post('/signup', [SignUpController, 'store']).as('sign_up.store')
    router.get('/login', [SessionsController, 'create']).as('session.create')
    router.post('/login', [SessionsController, 'store']).as('session.store')
  })
  .use(middleware.guest())

router.post('/logout', [SessionsController, 'destroy']).as('session.destroy').use(middleware.auth())

router
  .get('/verify-email/:id/:digest', [EmailVerificationsController, 'verify'])
  .where('id', router.matchers.number())
  .as('email_verification.verify')
router
  .post('/verify-email/resend', [EmailVerificationsController, 'resend'])
  .as('email_verification.resend')
  .use(middleware.auth())

router.get('/forgot-password', [PasswordResetsController, 'create']).as('password_reset.create')
router.post('/forgot-password', [PasswordResetsController, 'store']).as('password_reset.store')
router.get('/reset-password/:token', [PasswordResetsController, 'edit']).as('password_reset.edit')
router
  .post('/reset-password/:token', [PasswordResetsController, 'update'])
  .as('password_reset.update')

/*
| The workspace
*/
router
  .group(() => {
    router.get('/dashboard', [DashboardController, 'show']).as('dashboard')

    router.get('/settings/profile', [ProfileController, 'edit']).as('settings.profile.edit')
    router.put('/settings/profile', [ProfileController, 'update']).as('settings.profile.update')
    router
      .put('/settings/password', [ProfileController, 'updatePassword'])
      .as('settings.password.update')

    router.get('/admin', [AdminController, 'show']).as('admin.dashboard')
  })
  .use([middleware.auth(), middleware.tenant()])
