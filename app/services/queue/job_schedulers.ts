import queue from '@rlanz/bull-queue/services/main'
import webhooksConfig from '#config/webhooks'
import { registerSendingScheduler, SENDING_SCHEDULER_IDS } from '#sending/scheduler'
import {
  registerPostViewsScheduler,
  POST_VIEWS_SCHEDULER_IDS,
} from '#services/blog/post_views_scheduler'
import { registerWebhookScheduler, WEBHOOK_SCHEDULER_IDS } from '#services/webhooks/scheduler'
import {
  registerSendingDomainScheduler,
  SENDING_DOMAIN_SCHEDULER_IDS,
} from '#services/sending_domains/scheduler'
import {
  registerSignupFormScheduler,
  SIGNUP_FORM_SCHEDULER_IDS,
} from '#services/signup_forms/scheduler'

/**
 * Every recurring job, by the queue it runs on, each registered by the
 * module that owns it. One list, so starting a worker and restoring what
 * Redis lost cannot forget one.
 */
const JOB_SCHEDULERS = [
  { queue: 'default', ids: SENDING_SCHEDULER_IDS, register: registerSendingScheduler },
  { queue: 'default', ids: POST_VIEWS_SCHEDULER_IDS, register: registerPostViewsScheduler },
  { queue: webhooksConfig.queue, ids: WEBHOOK_SCHEDULER_IDS, register: registerWebhookScheduler },
  {
    queue: 'default',
    ids: SENDING_DOMAIN_SCHEDULER_IDS,
    register: registerSendingDomainScheduler,
  },
  {
    queue: 'default',
    ids: SIGNUP_FORM_SCHEDULER_IDS,
    register: registerSignupFormScheduler,
  },
]

/**
 * Makes sure the job schedulers of the queues a worker listens on exist in
 * Redis; every worker calls it at start.
 */
export async function registerJobSchedulers(queues: string[]) {
  for (const { queue: queueName, register } of JOB_SCHEDULERS) {
    if (queues.includes(queueName)) await register()
  }
}

/**
 * Registers job schedulers again when Redis has lost any of them (a restart
 * without persistence, a failover, a flush): they live in Redis only, and
 * without them nothing starts runs, flushes views or dispatches webhooks.
 * Returns whether it had to.
 */
export async function restoreJobSchedulers(queues: string[]) {
  let restored = false
  for (const { queue: queueName, ids, register } of JOB_SCHEDULERS) {
    if (!queues.includes(queueName)) continue
    const bullQueue = queue.getOrSet(queueName)
    const found = await Promise.all(ids.map((id) => bullQueue.getJobScheduler(id)))
    if (found.every(Boolean)) continue
    await register()
    restored = true
  }
  return restored
}
