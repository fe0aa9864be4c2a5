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
 * The fields a log line of the work carries.
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
 * The cause of the request being served, in the web process: filled by
 * RequestIdMiddleware, read by `dispatch` (#services/queue/dispatch), by
 * RecordWebhookEvent and by the logger (config/logger.ts).
 *
 * Workers never enter it: on Node 20 and 22 an AsyncLocalStorage, once
 * entered, makes every promise of the process pay an async hook (about
 * 80 ns each, 3-6 % of a worker's CPU per message). A job carries its
 * cause in its data instead, and QueueWorker gives it a logger bound to it
 * (`causeFields`); what the job queues in turn, it passes on.
 */
const storage = new AsyncLocalStorage<WorkContext>()

/**
 * A new id for work no request caused (a scheduler tick, a timer).
 */
export function newWorkId() {
  return cuid()
}

/**
 * The log fields of work with this cause (and of this job, if given).
 */
export function causeFields(cause: WorkCause, job?: { name: string; id?: string }) {
  const fields: WorkLogFields = { request_id: cause.requestId }
  if (cause.runId !== undefined) fields.run_id = cause.runId
  if (job) {
    fields.job = job.name
    if (job.id !== undefined) fields.job_id = job.id
  }
  return fields
}

/**
 * Runs `work` (in the web process) as caused by `cause`: what it logs
 * carries the cause, what it queues carries it on.
 */
export function runCausedBy<T>(cause: WorkCause, work: () => T): T {
  return storage.run({ cause, fields: causeFields(cause) }, work)
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
