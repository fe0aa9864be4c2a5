import SendingDomain from '#models/sending_domain'
import sendingDomainsConfig from '#config/sending_domains'
import CheckSendingDomain from '#actions/sending_domains/check_sending_domain'
import { sqlTime } from '#services/database/sql_time'

/**
 * Domains checked per round of the daily recheck, and at once: a few
 * lookups each, against the operator's resolver, which must not be flooded.
 */
const CHUNK = 10

/**
 * The daily recheck: every domain not checked for a day (by "check now" or
 * by the previous round), oldest first, a few at a time. Verified domains
 * whose records went away lose their verification here. Returns how many
 * it checked.
 */
export default class RecheckSendingDomains {
  static async handle() {
    // A little less than a day, so a domain checked by yesterday's run is
    // due again today whatever the scheduler's drift.
    const dueBefore = sqlTime(Date.now() - sendingDomainsConfig.recheckEvery * 0.9)
    let checked = 0
    let afterId = 0
    for (;;) {
      const due = await SendingDomain.query()
        .where((query) => query.whereNull('checked_at').orWhere('checked_at', '<', dueBefore))
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(CHUNK)
      if (due.length === 0) return checked
      await Promise.all(due.map((domain) => CheckSendingDomain.handle(null, domain)))
      checked += due.length
      afterId = due.at(-1)!.id
    }
  }
}
