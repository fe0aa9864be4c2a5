/*
| Sign-up forms (double opt-in): the workspace's pages under Clients, and
| the public pages visitors use, with no log-in.
*/

import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import { SIGNUP_TOKEN_PATTERN } from '#audiences/signup_links'

const SignupFormsController = () => import('#controllers/signup_forms_controller')
const PublicSignupFormsController = () => import('#controllers/public_signup_forms_controller')

router
  .group(() => {
    router
      .resource('forms', SignupFormsController)
      .except(['show'])
      .as('signup_forms', false)
      .where('id', router.matchers.number())
    router
      .post('/forms/:id/regenerate-token', [SignupFormsController, 'regenerateToken'])
      .where('id', router.matchers.number())
      .as('signup_forms.regenerate_token')
  })
  .prefix('/clients')
  .use([middleware.auth(), middleware.tenant()])

/*
| Public: the hosted page and where it and pasted snippets post (exempt
| from CSRF: config/shield.ts), and the confirmation link of the mail.
*/
router
  .get('/f/confirm/:id', [PublicSignupFormsController, 'showConfirmation'])
  .where('id', router.matchers.number())
  .as('signup_forms.confirm.show')
router
  .post('/f/confirm/:id', [PublicSignupFormsController, 'confirm'])
  .where('id', router.matchers.number())
  .as('signup_forms.confirm.store')
router
  .get('/f/:token', [PublicSignupFormsController, 'show'])
  .where('token', SIGNUP_TOKEN_PATTERN)
  .as('signup_forms.public.show')
router
  .post('/f/:token', [PublicSignupFormsController, 'store'])
  .where('token', SIGNUP_TOKEN_PATTERN)
  .as('signup_forms.public.store')
