import { setTimeout as sleep } from 'node:timers/promises'
import { UnrecoverableError, Worker, type Job as BullJob, type WorkerOptions } from 'bullmq'
import type { Job } from '@rlanz/bull-queue'
import type { ApplicationService, LoggerService } from '@adonisjs/core/types'
import { jobs } from '#start/jobs'
import { beginWorkerShutdown } from '#services/queue/worker_shutdown'
import { causeFields, newWorkId, type WorkCause } from '#services/queue/work_context'
import type { CausedPayload } from '#services/queue/dispatch'
import { RepeatedErrors } from '#services/queue/repeated_errors'

type JobClass = new (...args: any[]) => Job

export interface QueueWorkerOptions {
  queues: string[]
  concurrency?: number
  /**
   * How long `stop()` lets running jobs finish before abandoning them.
   * Abandoned jobs are not lost: BullMQ hands stalled jobs to another worker.
   */
  shutdownTimeout: number
}

/**
 * Owns the BullMQ workers of one process. Used by `node ace queue:listen`
 * in development, tests and production alike.
 *
 * It replaces @rlanz/bull-queue's `queue.process()`, which marks a job
 * completed when its class fails to load and has no graceful shutdown.
 */
export default class QueueWorker {
  #workers: Worker[] = []
  #errors: RepeatedErrors[] = []
  #stopping?: Promise<void>

  constructor(
    private app: ApplicationService,
    private logger: LoggerService,
    private options: QueueWorkerOptions
  ) {}

  /**
   * Loads a job class from the registry, failing the job for good (no
   * retries) when the name is unknown or the module does not load.
   */
  static async resolve(name: string): Promise<JobClass> {
    const loader = jobs[name as keyof typeof jobs]
    if (!loader) {
      throw new UnrecoverableError(`Unknown job "${name}": it is not listed in start/jobs.ts`)
    }
    try {
      const { default: jobClass } = await loader()
      return jobClass as unknown as JobClass
    } catch (error) {
      throw new UnrecoverableError(`Job "${name}" could not be loaded: ${(error as Error).message}`)
    }
  }

  /**
   * The BullMQ workers of this process, for its readiness check.
   */
  get bullWorkers(): readonly Worker[] {
    return this.#workers
  }

  async start() {
    const config = this.app.config.get<any>('queue')
    const workerOptions: WorkerOptions = {
      ...config.worker,
      concurrency: this.options.concurrency ?? config.worker.concurrency,
    }

    for (const queueName of this.options.queues) {
      const worker = new Worker(queueName, (job) => this.#process(job), workerOptions)
      worker.on('failed', (job, error) => this.#onFailed(job, error))
      const errors = new RepeatedErrors((error, repeated) =>
        this.logger.error(
          { err: error, queue: queueName, ...(repeated > 0 ? { repeated } : {}) },
          repeated > 0 ? `Queue worker error, ${repeated} more of this kind` : 'Queue worker error'
        )
      )
      worker.on('error', (error) => errors.report(error))
      this.#errors.push(errors)
      this.#workers.push(worker)
    }
    // Ready before we report started: closing a half-connected worker makes
    // ioredis emit errors nobody listens to.
    await Promise.all(this.#workers.map((worker) => worker.waitUntilReady()))
    this.logger.info(`Listening on queues: ${this.options.queues.join(', ')}`)
  }

  /**
   * Runs a job as caused by what queued it (the cause in its data): its
   * logger carries the request id, run id, job name and job id, and its
   * payload the cause, which the job passes on to what it queues (see
   * work_context.ts for why not an AsyncLocalStorage). A job nobody queued
   * (a job scheduler's tick) gets an id of its own, the first link of
   * whatever it starts.
   */
  async #process(bullJob: BullJob) {
    const startedAt = performance.now()
    const cause = causeOf(bullJob)
    const logger = this.#loggerFor(bullJob, cause)
    const jobClass = await QueueWorker.resolve(bullJob.name)
    const instance = await this.app.container.make(jobClass)
    instance.$injectInternal({ job: bullJob, logger })
    const payload = { ...bullJob.data, cause }
    const result = await this.app.container.call(instance, 'handle', [payload])
    // One line per job, not per message; the ticks that repeat every few
    // seconds (and mostly find nothing to do) only at debug.
    const level = bullJob.repeatJobKey ? 'debug' : 'info'
    logger[level](
      { duration_ms: Math.round(performance.now() - startedAt) },
      `Job ${bullJob.name} completed`
    )
    return result
  }

  /**
   * Typed as the logger service jobs expect; they only write with it.
   */
  #loggerFor(bullJob: BullJob, cause: WorkCause): LoggerService {
    const fields = causeFields(cause, { name: bullJob.name, id: bullJob.id })
    return this.logger.child(fields) as unknown as LoggerService
  }

  async #onFailed(bullJob: BullJob | undefined, error: Error) {
    const logger = bullJob ? this.#loggerFor(bullJob, causeOf(bullJob)) : this.logger
    logger.error(
      // The job's name and id are bound to the logger.
      { err: error, attempt: bullJob?.attemptsMade },
      `Job ${bullJob?.name ?? '(unknown)'} failed: ${error.message}`
    )

    const exhausted =
      bullJob &&
      (error instanceof UnrecoverableError || bullJob.attemptsMade >= (bullJob.opts.attempts ?? 1))
    if (!exhausted) return

    let jobClass: JobClass
    try {
      jobClass = await QueueWorker.resolve(bullJob.name)
    } catch {
      return // a job that cannot be loaded has nothing to rescue it
    }
    try {
      const instance = await this.app.container.make(jobClass)
      instance.$injectInternal({ job: bullJob, logger })
      await this.app.container.call(instance, 'rescue', [bullJob.data, error])
    } catch (rescueError) {
      logger.error({ err: rescueError }, 'Job rescue failed')
    }
  }

  /**
   * Stops taking new jobs and waits (bounded) for running ones to finish.
   * Safe to call more than once.
   */
  stop() {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop() {
    try {
      await this.#closeWorkers()
    } finally {
      for (const errors of this.#errors) errors.flush()
      this.#errors = []
    }
  }

  async #closeWorkers() {
    beginWorkerShutdown()
    const graceful = Promise.all(this.#workers.map((worker) => worker.close())).then(() => true)
    const finished = await Promise.race([
      graceful,
      sleep(this.options.shutdownTimeout, false, { ref: false }),
    ])
    if (!finished) {
      this.logger.warn(
        `The queues did not close within ${this.options.shutdownTimeout} ms (jobs still running, or Redis not answering); what this worker held is taken over by another`
      )
      await Promise.all(this.#workers.map((worker) => worker.close(true)))
    }
    this.#workers = []
  }
}

const generatedCauses = new WeakMap<BullJob, WorkCause>()

/**
 * The cause a job's data carries (#services/queue/dispatch), or a new one
 * for a job queued without (a scheduler's tick, a command), the same for
 * its run and its failure.
 */
function causeOf(bullJob: BullJob): WorkCause {
  const cause = (bullJob.data as CausedPayload | undefined)?.cause
  if (cause && typeof cause.requestId === 'string') return cause
  let generated = generatedCauses.get(bullJob)
  if (!generated) {
    generated = { requestId: newWorkId() }
    generatedCauses.set(bullJob, generated)
  }
  return generated
}
