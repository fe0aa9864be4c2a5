import { Job } from '@rlanz/bull-queue'
import RecheckSendingDomains from '#actions/sending_domains/recheck_sending_domains'
import type { JobName } from '#start/jobs'

/**
 * Daily: checks every sending domain's DNS records again; a verified one
 * whose ownership or DKIM record is gone loses its verification.
 */
export default class RecheckDomainsJob extends Job {
  static get $$filepath(): JobName {
    return 'recheck_domains'
  }

  async handle() {
    const checked = await RecheckSendingDomains.handle()
    if (checked > 0) this.logger.info({ checked }, 'Sending domains rechecked')
  }

  async rescue() {}
}
