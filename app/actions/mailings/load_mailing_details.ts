import type Mailing from '#models/mailing'
import LoadMailingStats from '#actions/stats/load_mailing_stats'
import { countRecipients } from '#services/mailings/recipient_counts'
import { countMailingAudience } from '#audiences/mailing_audience'

/**
 * What a page about one mailing shows beside its statistics
 * (components/mailing_details.edge): its owner's page and the staff's
 * read-only page alike. For a tags or segment audience: which tags or
 * segment, and how many clients match now (a run fixes its own recipients
 * when it starts).
 */
export default class LoadMailingDetails {
  static async handle(mailing: Mailing) {
    await mailing.load((loader) => {
      loader.load('message').load('tenant').load('statusChangedBy').load('createdBy')
      if (mailing.audience === 'tags') loader.load('tags', (tags) => tags.orderBy('name_key'))
      if (mailing.audience === 'segment') loader.load('segment')
    })

    const audienceByQuery = mailing.audience === 'tags' || mailing.audience === 'segment'
    const counts = audienceByQuery ? null : await countRecipients(mailing.tenant, [mailing])
    const recipientsCount = counts
      ? (counts.get(mailing.id) ?? 0)
      : await countMailingAudience(mailing)
    const selectedClients =
      mailing.audience === 'selected'
        ? await mailing.related('recipients').query().orderBy('email').limit(20)
        : []

    return {
      mailing,
      recipientsCount,
      selectedClients,
      timeZone: mailing.tenant.timeZone,
      stats: await LoadMailingStats.handle(mailing),
    }
  }
}
