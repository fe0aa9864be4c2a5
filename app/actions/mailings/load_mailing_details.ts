import type Mailing from '#models/mailing'
import LoadMailingStats from '#actions/stats/load_mailing_stats'
import { countRecipients } from '#services/mailings/recipient_counts'

/**
 * What a page about one mailing shows beside its statistics
 * (components/mailing_details.edge): its owner's page and the staff's
 * read-only page alike.
 */
export default class LoadMailingDetails {
  static async handle(mailing: Mailing) {
    await mailing.load((loader) =>
      loader.load('message').load('tenant').load('statusChangedBy').load('createdBy')
    )

    const recipients = await countRecipients(mailing.tenant, [mailing])
    const selectedClients =
      mailing.audience === 'selected'
        ? await mailing.related('recipients').query().orderBy('email').limit(20)
        : []

    return {
      mailing,
      recipientsCount: recipients.get(mailing.id) ?? 0,
      selectedClients,
      timeZone: mailing.tenant.timeZone,
      stats: await LoadMailingStats.handle(mailing),
    }
  }
}
