import { Gauge } from 'prom-client'
import type { Job, Queue } from 'bullmq'
import queue from '@rlanz/bull-queue/services/main'
import { metricsRegistry } from '#services/observability/metrics'

/**
 * A scrape must answer even when Redis does not: past this the queue
 * gauges are left empty for that scrape.
 */
const COLLECT_TIMEOUT_MS = 2000

const watched = new Set<string>()
let registered = false

/**
 * Queue depth and the age of the oldest waiting job, per queue, read from
 * BullMQ when Prometheus scrapes (three short Redis calls per queue), never
 * on the job path. "waiting" counts BullMQ's plain and prioritized waiting
 * jobs (sending batches are queued with a priority). Each call adds queues
 * to those reported; the gauges are registered once.
 */
export function watchQueues(queueNames: string[]) {
  for (const name of queueNames) watched.add(name)
  if (registered) return
  registered = true

  new Gauge({
    name: 'mailings_queue_jobs',
    help: 'Jobs per queue by state: waiting, active, delayed, failed',
    labelNames: ['queue', 'state'] as const,
    registers: [metricsRegistry],
    async collect() {
      this.reset()
      const names = [...watched]
      const counts = await withTimeout(Promise.all(names.map((name) => jobCounts(name))))
      if (!counts) return
      for (const [index, name] of names.entries()) {
        for (const [state, count] of Object.entries(counts[index])) {
          this.set({ queue: name, state }, count)
        }
      }
    },
  })

  new Gauge({
    name: 'mailings_queue_oldest_waiting_job_age_seconds',
    help: 'Seconds the oldest waiting job of each queue has been due (0 when none waits)',
    labelNames: ['queue'] as const,
    registers: [metricsRegistry],
    async collect() {
      this.reset()
      const names = [...watched]
      const ages = await withTimeout(Promise.all(names.map((name) => oldestWaitingAge(name))))
      if (!ages) return
      for (const [index, name] of names.entries()) this.set({ queue: name }, ages[index])
    },
  })
}

function bullQueue(name: string) {
  return queue.getOrSet(name) as unknown as Queue
}

async function jobCounts(name: string) {
  const counts = await bullQueue(name).getJobCounts(
    'wait',
    'prioritized',
    'active',
    'delayed',
    'failed'
  )
  return {
    waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
  }
}

/**
 * The next job of the plain list (its oldest) and of the prioritized set
 * (the one taken next): a job is due since it was added plus its delay.
 */
async function oldestWaitingAge(name: string) {
  const target = bullQueue(name)
  const [plain, prioritized] = await Promise.all([
    target.getWaiting(0, 0),
    target.getPrioritized(0, 0),
  ])
  const dueSince = [...plain, ...prioritized]
    .filter((job): job is Job => Boolean(job))
    .map((job) => job.timestamp + (job.opts?.delay ?? 0))
  if (dueSince.length === 0) return 0
  return Math.max(0, (Date.now() - Math.min(...dueSince)) / 1000)
}

async function withTimeout<T>(work: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), COLLECT_TIMEOUT_MS)
  })
  try {
    return await Promise.race([work.catch(() => null), timedOut])
  } finally {
    clearTimeout(timer)
  }
}
