import { Job } from '@rlanz/bull-queue'
import SendBatch from '#sending/send_batch'
import type { BatchRange } from '#sending/batch_ranges'
import type { JobName } from '#start/jobs'
import type { CausedPayload } from '#services/queue/dispatch'

export type SendBatchPayload = BatchRange & CausedPayload

/**
 * Sends one id range of a run's deliveries (SendBatch). What is left of
 * the range comes back on the queue this job came from.
 */
export default class SendBatchJob extends Job {
  static get $$filepath(): JobName {
    return 'send_batch'
  }

  async handle(range: SendBatchPayload) {
    await SendBatch.handle(range, { queueName: this.getJob()?.queueName })
  }

  async rescue(payload: SendBatchPayload, error: Error) {
    this.logger.error({ ...payload, err: error }, 'A send batch failed after all its attempts')
  }
}
