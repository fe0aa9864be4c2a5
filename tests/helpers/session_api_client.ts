import { configProvider } from '@adonisjs/core'
import { ApiClient } from '@japa/api-client'
import type { PluginFn } from '@japa/runner/types'
import type { ApplicationService } from '@adonisjs/core/types'
import type { ResolvedSessionConfig } from '@adonisjs/session/types'
import { sessionApiClient } from '@adonisjs/session/plugins/api_client'
import { registerSession } from '#services/accounts/active_sessions'

/**
 * The session guard's key for the logged-in user's id (`auth_<guard>`).
 */
const USER_ID_KEY = 'auth_web'

/**
 * @adonisjs/session's Japa plugin (`withSession`, `loginAs`, `withCsrfToken`,
 * `assertFlashMessage`) always keeps the test client's sessions in the
 * memory store: `new SessionClient(config.stores.memory())` is hard-coded in
 * plugins/japa/api_client.js (7.7). The server reads them only when it runs
 * with SESSION_DRIVER=memory. The suite runs on Redis, like production, so
 * this gives the plugin the session config with "memory" pointing at the
 * configured store.
 *
 * And a real log-in records its session in the user's active sessions
 * (app/services/accounts/active_sessions.ts), which the server checks on every
 * request; `loginAs` writes the session directly, so each such session is
 * recorded here, the way the log-in form would.
 */
export function sessionApiClientOnConfiguredStore(app: ApplicationService): PluginFn {
  let resolved: Promise<ResolvedSessionConfig> | undefined
  const sessionConfig = () => {
    resolved ??= configProvider
      .resolve<ResolvedSessionConfig>(app, app.config.get('session'))
      .then((config) => {
        if (!config) throw new Error('config/session.ts must use defineConfig')
        const configured = config.stores[config.store]
        return {
          ...config,
          stores: { ...config.stores, memory: () => configured(null as never, config) },
        }
      })
    return resolved
  }

  const appForPlugin = {
    config: {
      get: (key: string, fallback?: unknown) =>
        key === 'session'
          ? configProvider.create(() => sessionConfig())
          : app.config.get(key, fallback),
    },
  } as unknown as ApplicationService
  const plugin = sessionApiClient(appForPlugin)

  return async (options) => {
    await plugin(options)
    // After the plugin's own setup hook, which has just written the session.
    ApiClient.onRequest((request) => {
      request.setup(async () => {
        const config = await sessionConfig()
        const sessionId = request.sessionClient.sessionId
        const data = await config.stores.memory(null as never, config).read(sessionId)
        const userId = data?.[USER_ID_KEY]
        if (userId) {
          await registerSession(Number(userId), sessionId, {
            userAgent: 'Japa API client',
            ip: '127.0.0.1',
          })
        }
      })
    })
  }
}
