import type { HttpContext } from '@adonisjs/core/http'
import MailingPolicy from '#policies/mailing_policy'
import LoadMailingStats from '#actions/stats/load_mailing_stats'
import ListDeliveries from '#actions/stats/list_deliveries'
import { apiDeliveryListValidator } from '#validators/mailing'
import { keysetListOf, keysetRequest } from '#services/database/pagination'
import { serializeMailingStats } from '#api/serializers/mailing_stats'
import { serializeDelivery } from '#api/serializers/delivery'

/**
 * A mailing's statistics and delivery log, from the same actions as its
 * pages (maintained counters; keyset pages of the log).
 */
export default class MailingStatsController {
  async show({ params, tenant, bouncer }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('view', mailing)
    return serializeMailingStats(await LoadMailingStats.handle(mailing))
  }

  /**
   * Newest run first, newest delivery first; filters by status and run.
   */
  async deliveries({ params, request, tenant, bouncer }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('view', mailing)
    const { status, run, ...paging } = await request.validateUsing(apiDeliveryListValidator, {
      data: request.qs(),
    })
    const page = await ListDeliveries.handle(mailing, { status, run, ...keysetRequest(paging) })
    return keysetListOf(page.rows.map(serializeDelivery), page.nextCursor)
  }
}
