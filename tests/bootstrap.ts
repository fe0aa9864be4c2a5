import { assert } from '@japa/assert'
import { apiClient } from '@japa/api-client'
import { browserClient } from '@japa/browser-client'
import app from '@adonisjs/core/services/app'
import type { Config } from '@japa/runner/types'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import testUtils from '@adonisjs/core/services/test_utils'
import redis from '@adonisjs/redis/services/main'
import { authApiClient } from '@adonisjs/auth/plugins/api_client'
import { shieldApiClient } from '@adonisjs/shield/plugins/api_client'
import { truncateAllTables } from '#tests/helpers/database'
import { smtp, worker } from '#tests/helpers/peers'
import { sessionApiClientOnConfiguredStore } from '#tests/helpers/session_api_client'

/**
 * Chromium from Debian (Playwright's own browser download does not work
 * everywhere); `npm test` installs it when it is missing.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const plugins: Config['plugins'] = [
  assert(),
  apiClient(),
  pluginAdonisJS(app),
  sessionApiClientOnConfiguredStore(app),
  shieldApiClient(),
  authApiClient(app),
  browserClient({
    runInSuites: ['browser'],
    launcher: async (options) => {
      const { chromium } = await import('playwright-core')
      return chromium.launch({
        ...options,
        headless: true,
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      })
    },
  }),
]

/**
 * Runs once for the whole run: a clean database and Redis DB, the test SMTP
 * server and a real worker process.
 */
export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [
    async () => {
      await testUtils.db().migrate()
      await truncateAllTables()
      await redis.flushdb()
      await smtp.start()
      await worker.start()
    },
  ],
  teardown: [
    async () => {
      await worker.stop()
    },
    () => smtp.stop(),
  ],
}

/**
 * The suites `npm test` runs. The production suite (tests/production: the
 * README's production commands from a fresh build, minutes of compiling and
 * installing with the npm registry) and the fleet suite (tests/fleet: the
 * fleet under faults on PostgreSQL, minutes of sending) run only when
 * named, as CI does once: `node ace test production`, `node ace test fleet`.
 */
export const filters: Config['filters'] = { suites: ['unit', 'functional', 'browser'] }

export const configureSuite: Config['configureSuite'] = (suite) => {
  if (['browser', 'functional'].includes(suite.name)) {
    return suite.setup(() => testUtils.httpServer().start())
  }
}
