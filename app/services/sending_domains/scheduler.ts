import queue from '@rlanz/bull-queue/services/main'
import sendingDomainsConfig from '#config/sending_domains'
import RecheckDomainsJob from '#jobs/recheck_domains_job'

export const SENDING_DOMAIN_SCHEDULER_IDS = ['recheck-sending-domains']

/**
 * The daily recheck of sending domains. Every worker on the `default` queue
 * calls it at start; BullMQ keeps one job scheduler per id. The job checks
 * only domains not checked for about a day, so an extra run (a restored
 * scheduler) costs a query.
 */
export async function registerSendingDomainScheduler() {
  await queue.getOrSet('default').upsertJobScheduler(
    'recheck-sending-domains',
    { every: sendingDomainsConfig.recheckEvery },
    {
      name: RecheckDomainsJob.$$filepath,
      data: {},
      opts: { removeOnComplete: true, removeOnFail: 100, attempts: 3 },
    }
  )
}
