import type { Server } from 'node:http'
import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import QueueWorker from '#services/queue/worker'
import { QueueReconciler } from '#services/queue/reconciler'
import { registerJobSchedulers } from '#services/queue/job_schedulers'
import { checkRedisRequirements } from '#services/queue/redis_requirements'
import env from '#start/env'
import monitoringConfig from '#config/monitoring'
import { startProcessMetrics } from '#services/observability/metrics'
import { watchQueues } from '#services/observability/queue_metrics'
import { startWorkerHttpServer } from '#services/observability/worker_http_server'
import { openCache } from '#services/cache/open_cache'
import { jobs } from '#start/jobs'
import { CLOSING_GRACE_MS } from '#services/queue/worker_shutdown'

/**
 * The worker process: runs queued jobs until SIGTERM or SIGINT, then stops
 * taking jobs, lets running ones finish and exits 0.
 */
export default class QueueListen extends BaseCommand {
  static commandName = 'queue:listen'
  static description = 'Run queued jobs (sending, webhooks, mail) until stopped'

  static options: CommandOptions = {
    startApp: true,
    staysAlive: true,
  }

  @flags.array({ alias: 'q', description: 'Queues to listen on (default: all of them)' })
  declare queue: string[]

  @flags.number({ description: 'Jobs run at once per queue (default: QUEUE_CONCURRENCY)' })
  declare concurrency?: number

  @flags.number({
    description:
      'Port for /health/live, /health/ready and /metrics (default: WORKER_HTTP_PORT; none when unset)',
  })
  declare httpPort?: number

  /**
   * The scheduler role (docs/architecture.md, "The scheduler"): by default
   * every worker also keeps the job schedulers registered and runs the
   * reconciler. A fleet may instead run senders with --no-schedule and a
   * couple of small processes with --schedule-only, which run no jobs.
   */
  @flags.boolean({
    description: 'Keep the job schedulers registered and reconcile (default: yes)',
    default: true,
    showNegatedVariantInHelp: true,
  })
  declare schedule: boolean

  @flags.boolean({
    description: 'Only keep the job schedulers registered and reconcile; run no jobs',
  })
  declare scheduleOnly?: boolean

  /**
   * Ends a run that cannot go on, with exit code 1: ace copies a command's
   * exit code to the process only after `run` returns, too late for a
   * command that terminates the app itself.
   */
  #refuse() {
    this.exitCode = 1
    process.exitCode = 1
    return this.terminate()
  }

  async run() {
    if (this.scheduleOnly && !this.schedule) {
      this.logger.error('--schedule-only and --no-schedule leave the process nothing to do')
      return this.#refuse()
    }
    if (
      this.httpPort !== undefined &&
      !(Number.isInteger(this.httpPort) && this.httpPort >= 1 && this.httpPort <= 65_535)
    ) {
      // What --http-port=910%i gives a tenth systemd instance.
      this.logger.error(`--http-port must be a port number from 1 to 65535 (got ${this.httpPort})`)
      return this.#refuse()
    }
    const config = this.app.config.get<any>('queue')
    const queues = this.queue?.length ? this.queue : (config.queueNames ?? ['default'])

    const logger = await this.app.container.make('logger')
    openCache()
    const worker = new QueueWorker(this.app, logger, {
      queues,
      concurrency: this.concurrency,
      shutdownTimeout: config.shutdownTimeout,
    })
    const reconciler = new QueueReconciler(logger, queues)
    /**
     * Terminating hooks run before the providers close the database and
     * Redis, so running jobs still have them while they finish.
     */
    let httpServer: Server | null = null
    this.app.terminating(async () => {
      // Whatever the closing waits on (a Redis that is away never answers
      // BullMQ's close), the process ends: a stop is bounded, and a
      // supervisor must see it go.
      exitAfter(config.shutdownTimeout + CLOSING_GRACE_MS)
      logger.info('Stopping: finishing running jobs')
      // The running jobs hear of the stop at once: a reconcile pass in
      // flight (hung on a Redis that is away) must not hold them back.
      await Promise.all([worker.stop(), reconciler.stop()])
      httpServer?.close()
      exitAfter(2000)
    })
    process.once('SIGINT', () => this.app.terminate())
    if (!process.listenerCount('SIGTERM')) {
      process.once('SIGTERM', () => this.app.terminate())
    }

    try {
      // Health and metrics, on a port of the worker's own when one is given;
      // without one nothing could read the process metrics, so none are kept.
      const httpPort = this.httpPort ?? monitoringConfig.workerHttpPort
      if (httpPort) {
        startProcessMetrics('worker')
        watchQueues(queues)
        httpServer = await startWorkerHttpServer({
          port: httpPort,
          host: env.get('HOST'),
          workers: this.scheduleOnly ? null : () => worker.bullWorkers,
          logger,
        })
      }

      const router = await this.app.container.make('router')
      router.commit()

      await checkRedisRequirements(logger, this.app.inProduction)
      if (!this.scheduleOnly) {
        // Every job's code loaded before the first job rather than by it: the
        // first batch of a run spent about 0.4 s of CPU loading the engine and
        // its mail libraries, sending nothing meanwhile.
        await Promise.all(Object.values(jobs).map((load) => load()))
        await worker.start()
      }
      if (this.schedule) {
        try {
          await registerJobSchedulers(queues)
        } catch (error) {
          // Redis refusing writes (full) must not keep the process from
          // starting: the reconciler registers whatever is missing on its
          // next pass.
          logger.error({ err: error }, 'Could not register the job schedulers; the reconciler will')
        }
        // Independent of Redis jobs: it is what notices Redis lost them.
        reconciler.start()
      }
    } catch (error) {
      // Idle on the connections it opened, a worker that could not start
      // would look alive to its supervisor: it says why and exits.
      logger.fatal({ err: error }, startFailure(error))
      return this.#refuse()
    }
    const role = this.scheduleOnly ? 'schedules only' : this.schedule ? '' : 'runs jobs only'
    logger.info(`Worker started (pid ${process.pid}${role ? `; ${role}` : ''})`)
  }
}

/**
 * Ends the process in `ms` with the exit code set so far, unless it ends
 * on its own first (the timer holds nothing open).
 */
function exitAfter(ms: number) {
  setTimeout(() => process.exit(process.exitCode ?? 0), ms).unref()
}

/**
 * Why the worker could not start, as a sentence for its log.
 */
function startFailure(error: unknown) {
  const { code, port, address } = (error ?? {}) as {
    code?: string
    port?: number
    address?: string
  }
  if (code === 'EADDRINUSE') {
    return `The worker could not start: port ${port} on ${address} is taken by another process. Give each worker process its own WORKER_HTTP_PORT (or --http-port).`
  }
  if (code === 'EACCES') {
    return `The worker could not start: it may not listen on port ${port} (below 1024 needs privileges). Choose another WORKER_HTTP_PORT.`
  }
  return `The worker could not start: ${error instanceof Error ? error.message : String(error)}`
}
