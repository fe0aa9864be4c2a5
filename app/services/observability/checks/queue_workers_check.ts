import { BaseCheck, Result } from '@adonisjs/core/health'
import type { Worker } from 'bullmq'

/**
 * The worker process's own view: each of its BullMQ workers is running
 * (not closing, not paused) and its Redis connection is ready. A worker
 * whose BullMQ workers have stopped takes no jobs, even if the database
 * and Redis are fine.
 */
export class QueueWorkersCheck extends BaseCheck {
  name = 'workers'

  constructor(private workers: () => readonly Worker[]) {
    super()
  }

  async run() {
    const workers = this.workers()
    if (workers.length === 0) return Result.failed('No queue worker is running')
    const states = await Promise.all(
      workers.map(async (worker) => {
        const client = await worker.client
        const running = worker.isRunning() && !worker.isPaused() && !worker.closing
        return { queue: worker.name, running, redis: client.status }
      })
    )
    const down = states.filter((state) => !state.running || state.redis !== 'ready')
    if (down.length > 0) {
      return Result.failed(
        `Not taking jobs on: ${down.map((state) => state.queue).join(', ')}`
      ).mergeMetaData({ workers: states })
    }
    return Result.ok(
      `Taking jobs on: ${states.map((state) => state.queue).join(', ')}`
    ).mergeMetaData({ workers: states })
  }
}
