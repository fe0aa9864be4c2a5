import { Job } from '@rlanz/bull-queue'
import PurgeUnconfirmedSignups from '#actions/signup_forms/purge_unconfirmed_signups'
import type { JobName } from '#start/jobs'

/**
 * Daily: deletes the pending clients and the consents of sign-ups nobody
 * confirmed, once their link has long expired.
 */
export default class PurgeUnconfirmedSignupsJob extends Job {
  static get $$filepath(): JobName {
    return 'purge_unconfirmed_signups'
  }

  async handle() {
    const purged = await PurgeUnconfirmedSignups.handle()
    if (purged.clients > 0 || purged.consents > 0) {
      this.logger.info(purged, 'Unconfirmed sign-ups deleted')
    }
  }

  async rescue() {}
}
