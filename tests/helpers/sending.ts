import { DateTime } from 'luxon'
import type { Queue } from 'bullmq'
import StartRun from '#sending/start_run'
import { batchPriority, batchRanges } from '#sending/batch_ranges'
import SendBatchJob from '#jobs/send_batch_job'
import { createUser } from '#tests/helpers/users'
import { createClients, createMessage, createOpenMailing } from '#tests/helpers/workspace'

/**
 * A running mailing to `count` new clients of a new owner, whose run has
 * started with its batches not queued yet: each test hands them to its own
 * queue, served only by its own worker (with its own settings), so the
 * shared worker never touches them.
 */
export async function startedRun(count: number, name = 'Sending test') {
  const { user, tenant } = await createUser()
  const clients = await createClients(tenant, count)
  const message = await createMessage(tenant)
  const mailing = await createOpenMailing(user, message, { name })
  const run = (await StartRun.handle(mailing, DateTime.now(), { dispatch: false }))!
  return { user, tenant, clients, mailing, run }
}

/**
 * Queues the run's batches on `queue` the way DispatchBatches does (same ranges,
 * same priorities); returns how many.
 */
export async function enqueueBatches(queue: Queue, runId: number) {
  const ranges = await batchRanges(runId)
  for (const [index, [fromId, toId]] of ranges.entries()) {
    await queue.add(
      SendBatchJob.$$filepath,
      { runId, fromId, toId },
      { priority: batchPriority(index) }
    )
  }
  return ranges.length
}
