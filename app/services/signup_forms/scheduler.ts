import queue from '@rlanz/bull-queue/services/main'
import signupFormsConfig from '#config/signup_forms'
import PurgeUnconfirmedSignupsJob from '#jobs/purge_unconfirmed_signups_job'

export const SIGNUP_FORM_SCHEDULER_IDS = ['purge-unconfirmed-signups']

/**
 * The daily clean-up of unconfirmed sign-ups. Every worker on the `default`
 * queue calls it at start; BullMQ keeps one job scheduler per id. An extra
 * run (a restored scheduler) finds nothing more to delete.
 */
export async function registerSignupFormScheduler() {
  await queue.getOrSet('default').upsertJobScheduler(
    'purge-unconfirmed-signups',
    { every: signupFormsConfig.cleanupEvery },
    {
      name: PurgeUnconfirmedSignupsJob.$$filepath,
      data: {},
      opts: { removeOnComplete: true, removeOnFail: 100, attempts: 3 },
    }
  )
}
