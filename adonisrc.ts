import { defineConfig } from '@adonisjs/core/app'

export default defineConfig({
  /*
  |--------------------------------------------------------------------------
  | Commands
  |--------------------------------------------------------------------------
  |
  | The queue package's own `queue:listen` is deliberately not registered:
  | commands/queue_listen.ts owns the workers (job registry, loud failures on
  | unknown jobs, graceful shutdown).
  |
  */
  commands: [
    () => import('@adonisjs/core/commands'),
    () => import('@adonisjs/lucid/commands'),
    () => import('@adonisjs/mail/commands'),
    () => import('@adonisjs/cache/commands'),
  ],

  providers: [
    () => import('@adonisjs/core/providers/app_provider'),
    () => import('@adonisjs/core/providers/hash_provider'),
    {
      file: () => import('@adonisjs/core/providers/repl_provider'),
      environment: ['repl', 'test'],
    },
    () => import('@adonisjs/core/providers/vinejs_provider'),
    () => import('@adonisjs/core/providers/edge_provider'),
    () => import('@adonisjs/session/session_provider'),
    () => import('@adonisjs/shield/shield_provider'),
    () => import('@adonisjs/static/static_provider'),
    () => import('@adonisjs/lucid/database_provider'),
    () => import('@adonisjs/auth/auth_provider'),
    () => import('@adonisjs/redis/redis_provider'),
    () => import('@adonisjs/mail/mail_provider'),
    () => import('@adonisjs/limiter/limiter_provider'),
    () => import('@adonisjs/bouncer/bouncer_provider'),
    () => import('@rlanz/bull-queue/queue_provider'),
    () => import('@adonisjs/cache/cache_provider'),
  ],

  preloads: [
    () => import('#start/routes'),
    () => import('#start/kernel'),
    () => import('#start/view'),
    () => import('#start/mail'),
    () => import('#start/validator'),
    () => import('#start/events'),
    { file: () => import('#start/boot_warnings'), environment: ['web'] },
    { file: () => import('#start/cache'), environment: ['web'] },
  ],

  tests: {
    suites: [
      {
        files: ['tests/unit/**/*.spec(.ts|.js)'],
        name: 'unit',
        timeout: 10000,
      },
      {
        files: ['tests/functional/**/*.spec(.ts|.js)'],
        name: 'functional',
        timeout: 30000,
      },
      {
        files: ['tests/browser/**/*.spec(.ts|.js)'],
        name: 'browser',
        timeout: 60000,
      },
      {
        // Builds and installs the app: run when named (tests/bootstrap.ts).
        files: ['tests/production/**/*.spec(.ts|.js)'],
        name: 'production',
        timeout: 25 * 60_000,
      },
      {
        // The fleet under faults, on PostgreSQL: run when named (tests/bootstrap.ts).
        files: ['tests/fleet/**/*.spec(.ts|.js)'],
        name: 'fleet',
        timeout: 20 * 60_000,
      },
    ],
    forceExit: true,
  },

  metaFiles: [
    {
      pattern: 'resources/views/**/*.edge',
      reloadServer: false,
    },
    // public/vendor included: scripts/finish_build.ts then replaces it.
    {
      pattern: 'public/**',
      reloadServer: false,
    },
  ],

  hooks: {
    onBuildStarting: [],
    onBuildCompleted: [() => import('./scripts/finish_build.js')],
  },
})
