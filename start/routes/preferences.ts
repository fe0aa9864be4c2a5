/*
| Audiences: the preference page, where the link in every message leads
| (issue 15). Public, no log-in, no session: the token in the path is the
| only key, so these routes are sessionless (session_middleware.ts) and
| exempt from CSRF (config/shield.ts), like the one-click POST to the same
| link (`unsubscribe.store`, start/routes.ts), which unsubscribes from
| everything.
*/

import router from '@adonisjs/core/services/router'

const PreferencesController = () => import('#controllers/preferences_controller')

router.get('/u/:token', [PreferencesController, 'show']).as('preferences.show')
router.post('/u/:token/topics', [PreferencesController, 'update']).as('preferences.update')
router
  .post('/u/:token/resubscribe', [PreferencesController, 'resubscribe'])
  .as('preferences.resubscribe')
