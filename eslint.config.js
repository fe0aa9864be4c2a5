import { configApp } from '@adonisjs/eslint-config'

export default configApp(
  {
    ignores: ['build/**', 'tmp/**', 'public/vendor/**', 'coverage/**'],
  },
  {
    // Jobs are queued through one function, which carries the request id
    // into them (app/services/queue/dispatch.ts).
    files: ['app/**/*.ts', 'start/**/*.ts', 'commands/**/*.ts'],
    ignores: ['app/services/queue/dispatch.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='queue'][callee.property.name='dispatch']",
          message:
            'Queue jobs with dispatch() from #services/queue/dispatch: it carries the cause (request id) into the job.',
        },
      ],
    },
  }
)
