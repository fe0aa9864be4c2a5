import { AsyncLocalStorage } from 'node:async_hooks'
import { cuid } from '@adonisjs/core/helpers'

/**
 * What caused a piece of work: the HTTP request that asked for it (or, for
 * work nobody asked for, the id generated for the scheduler tick or timer
 * that started it), and the mailing run it belongs to, if any. Queued jobs
 * carry it in their data (`cause`), so a batch five jobs down a run's chain
 * still names the request that started the run.
 */
export interface WorkCause {
  requestId: string
  runId?: number
}

/**
 * The bound fields every log line written inside the work gets.
 */
export interface WorkLogFields {
  request_id: string
  run_id?: number
  job?: string
  job_id?: string
}

interface WorkContext {
  cause: WorkCause
  fields: WorkLogFields
}

/**
 * One store for the web process and the workers: filled by
 * RequestIdMiddleware for a request and by QueueWorker for a job, read by
 * `dispatch` (#services/queue/dispatch) and by the logger (config/logger.ts).
 */
const storage = new AsyncLocalStorage<WorkContext>()

/**
 * A new id for work no request caused (a scheduler tick, a timer).
 */
export function newWorkId() {
  return cuid()
}

/**
 * Runs `work` as caused by `cause`: what it logs carries the cause and the
 * job (`job`, or else the job running now, if any), what it queues carries
 * the cause on.
 */
export function runCausedBy<T>(
  cause: WorkCause,
  work: () => T,
  job?: { name: string; id?: string }
): T {
  const fields: WorkLogFields = { request_id: cause.requestId }
  if (cause.runId !== undefined) fields.run_id = cause.runId
  if (job) {
    fields.job = job.name
    if (job.id !== undefined) fields.job_id = job.id
  } else {
    const running = storage.getStore()?.fields
    if (running?.job !== undefined) fields.job = running.job
    if (running?.job_id !== undefined) fields.job_id = running.job_id
  }
  return storage.run({ cause, fields }, work)
}

/**
 * The cause of the work running now, if any.
 */
export function currentCause(): WorkCause | undefined {
  return storage.getStore()?.cause
}

/**
 * The logger's mixin: the fields of the work running now. A new object on
 * each call, because pino merges the line's own fields into it.
 */
export function workLogFields(): Partial<WorkLogFields> {
  const store = storage.getStore()
  return store ? { ...store.fields } : {}
}
