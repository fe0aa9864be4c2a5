import type { LoggerService } from '@adonisjs/core/types'
import queue from '@rlanz/bull-queue/services/main'
import sendingConfig from '#config/sending'
import SendBatchJob, { type SendBatchPayload } from '#jobs/send_batch_job'
import RedispatchStrandedRuns from '#sending/redispatch_stranded_runs'
import { restoreJobSchedulers } from '#services/queue/job_schedulers'

/**
 * Job states in which a batch will still run.
 */
const LIVE_STATES = ['active', 'waiting', 'prioritized', 'delayed', 'paused'] as const

/**
 * What each worker process does every SEND_RECONCILE_INTERVAL with a plain
 * timer, not a Redis job: Redis is what may have lost its data (a restart
 * without an append-only file, a failover, a FLUSHALL), and with it the
 * queued send batches and the job schedulers. It registers missing
 * schedulers again and queues again the work of runs no batch job will do
 * (RedispatchStrandedRuns). A run stranded that way sends again within
 * about two intervals of its last try (one to be seen idle, up to one more
 * until the next look); deliveries a worker was holding when it died with
 * Redis come back once their claim is stale (SEND_STALE_AFTER).
 */
export class QueueReconciler {
  #timer?: NodeJS.Timeout
  #running?: Promise<void>

  constructor(
    private logger: LoggerService,
    private queues: string[],
    private interval = sendingConfig.reconcileInterval
  ) {}

  start() {
    if (!this.interval) return
    this.#timer = setInterval(() => {
      // One look at a time: a slow database must not pile them up.
      this.#running ??= this.reconcile().finally(() => (this.#running = undefined))
    }, this.interval)
  }

  async stop() {
    clearInterval(this.#timer)
    await this.#running
  }

  async reconcile() {
    this.logger.debug('Reconciling the queues with the database')
    try {
      if (await restoreJobSchedulers(this.queues)) {
        this.logger.warn('Registered the job schedulers again: Redis had lost them')
      }
      if (!this.queues.includes('default')) return
      const queued = await RedispatchStrandedRuns.handle({
        idleFor: this.interval,
        liveBatches,
      })
      if (queued > 0) {
        this.logger.warn(
          `Queued ${queued} send batch(es) again for running mailings whose jobs Redis no longer had (restarted without persistence, failed over or flushed?)`
        )
      }
    } catch (error) {
      // Redis or the database is away: the next look tries again.
      this.logger.warn({ err: error }, 'Could not reconcile the queues with the database')
    }
  }
}

/**
 * The ranges of the send batches the `default` queue still holds.
 */
async function liveBatches() {
  const jobs = await queue.getOrSet('default').getJobs([...LIVE_STATES])
  return jobs
    .filter((job) => job?.name === SendBatchJob.$$filepath)
    .map((job) => job.data as SendBatchPayload)
}
