/*
|--------------------------------------------------------------------------
| Warnings the web server logs once, when it starts
|--------------------------------------------------------------------------
*/

import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { configProvider } from '@adonisjs/core'
import env from '#start/env'
import { insecureCookiesWarning } from '#services/http/cookie_security'

// The session config is a provider: resolved as the session middleware does.
const session = await configProvider.resolve<{ cookie: { secure?: boolean } }>(
  app,
  app.config.get('session')
)
const warning = insecureCookiesWarning(env.get('APP_URL'), [
  { name: 'the session cookie', secure: session?.cookie.secure },
  {
    name: "the app's other cookies",
    secure: app.config.get<boolean | undefined>('app.http.cookie.secure'),
  },
])
if (warning) logger.warn(warning)
