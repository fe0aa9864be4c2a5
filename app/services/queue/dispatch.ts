import type { JobsOptions } from 'bullmq'
import queue from '@rlanz/bull-queue/services/main'
import type { Job } from '@rlanz/bull-queue'
import { currentCause, type WorkCause } from '#services/queue/work_context'
import { jobs, type JobName } from '#start/jobs'

type JobClass<Payload> = { $$filepath: string } & (new (...args: any[]) => Job & {
  handle(payload: Payload): unknown
})

/**
 * What a queued job's data carries besides its payload.
 */
export interface CausedPayload {
  cause?: WorkCause
}

/**
 * The one way the app queues a job: `queue.dispatch` with a cause in the
 * job's data, so the worker logs the job under it. The cause is the one
 * the payload names (a job queueing another passes its own on), or else
 * the request being served. A payload with a `runId` (a send batch) names
 * its run in the cause too. Without either (a command), the job goes
 * without one and the worker gives it an id of its own.
 *
 * The job is its class, or its name in the registry (start/jobs.ts) for a
 * module the job's own code leads back to: the class is then loaded when
 * the job is queued, not imported by the module that queues it.
 */
export function dispatch<Payload extends object | undefined>(
  job: JobClass<Payload> | JobName,
  payload: Payload,
  options?: JobsOptions & { queueName?: string }
) {
  const target = typeof job === 'string' ? jobs[job] : job
  return queue.dispatch(target as any, withCause(payload) as any, options)
}

/**
 * The payload with the cause of the work running now, as a job's data.
 */
export function withCause<Payload extends object | undefined>(
  payload: Payload
): Payload & CausedPayload {
  const cause = (payload as CausedPayload | undefined)?.cause ?? currentCause()
  if (!cause) return payload as Payload & CausedPayload
  const runId =
    payload && 'runId' in payload && typeof payload.runId === 'number' ? payload.runId : cause.runId
  return {
    ...payload,
    cause:
      runId === undefined ? { requestId: cause.requestId } : { requestId: cause.requestId, runId },
  } as Payload & CausedPayload
}
