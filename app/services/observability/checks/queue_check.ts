import { BaseCheck, Result } from '@adonisjs/core/health'
import type { Queue } from 'bullmq'
import queue from '@rlanz/bull-queue/services/main'

/**
 * Whether this process can queue jobs: the BullMQ queue's own Redis client
 * (not the app's main connection, which RedisCheck covers) answers a PING.
 */
export class QueueCheck extends BaseCheck {
  name = 'queue'

  constructor(private queueName = 'default') {
    super()
  }

  async run() {
    const client = await (queue.getOrSet(this.queueName) as unknown as Queue).client
    await (client as unknown as { ping(): Promise<string> }).ping()
    return Result.ok(`Queue "${this.queueName}" reachable`)
  }
}
