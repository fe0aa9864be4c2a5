import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, targets } from '@adonisjs/core/logger'
import { workLogFields } from '#services/queue/work_context'

const loggerConfig = defineConfig({
  default: 'app',

  loggers: {
    app: {
      enabled: true,
      name: env.get('APP_NAME', 'mailings'),
      level: env.get('LOG_LEVEL', app.inTest ? 'warn' : 'info'),
      // In production, JSON lines straight to stdout: a transport would run
      // in a worker thread of its own, memory every process pays for.
      transport: app.inProduction ? undefined : { targets: [targets.pretty()] },
      // Every line written while serving a request or running a job carries
      // its request_id (and run_id, job, job_id): see app/services/queue/work_context.ts.
      mixin: workLogFields,
    },
  },
})

export default loggerConfig

declare module '@adonisjs/core/types' {
  export interface LoggersList extends InferLoggers<typeof loggerConfig> {}
}
