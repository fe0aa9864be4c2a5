import { setTimeout as sleep } from 'node:timers/promises'
import { UnrecoverableError, Worker, type Job as BullJob, type WorkerOptions } from 'bullmq'
import type { Job } from '@rlanz/bull-queue'
import type { ApplicationService, LoggerService } from '@adonisjs/core/types'
import { jobs } from '#start/jobs'
import { beginWorkerShutdown } from '#services/queue/worker_shutdown'

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
      worker.on('error', (error) =>
        this.logger.error({ err: error, queue: queueName }, 'Queue worker error')
      )
      this.#workers.push(worker)
    }
    // Ready before we report started: closing a half-connected worker makes
    // ioredis emit errors nobody listens to.
    await Promise.all(this.#workers.map((worker) => worker.waitUntilReady()))
    this.logger.info(`Listening on queues: ${this.options.queues.join(', ')}`)
  }

  async #process(bullJob: BullJob) {
    const jobClass = await QueueWorker.resolve(bullJob.name)
    const instance = await this.app.container.make(jobClass)
    instance.$injectInternal({ job: bullJob, logger: this.logger })
    return this.app.container.call(instance, 'handle', [bullJob.data])
  }

  async #onFailed(bullJob: BullJob | undefined, error: Error) {
    this.logger.error(
      { err: error, job: bullJob?.name, jobId: bullJob?.id, attempt: bullJob?.attemptsMade },
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
      instance.$injectInternal({ job: bullJob, logger: this.logger })
      await this.app.container.call(instance, 'rescue', [bullJob.data, error])
    } catch (rescueError) {
      this.logger.error({ err: rescueError, job: bullJob.name }, 'Job rescue failed')
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
    beginWorkerShutdown()
    const graceful = Promise.all(this.#workers.map((worker) => worker.close())).then(() => true)
    const finished = await Promise.race([
      graceful,
      sleep(this.options.shutdownTimeout, false, { ref: false }),
    ])
    if (!finished) {
      this.logger.warn(
        `Running jobs did not finish within ${this.options.shutdownTimeout} ms; they will be retried by another worker`
      )
      await Promise.all(this.#workers.map((worker) => worker.close(true)))
    }
    this.#workers = []
  }
}
