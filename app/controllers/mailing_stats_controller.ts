import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import FindViewableMailing from '#actions/mailings/find_viewable_mailing'
import LoadMailingStats from '#actions/stats/load_mailing_stats'
import CountSendsOverTime from '#actions/stats/count_sends_over_time'
import ListDeliveries from '#actions/stats/list_deliveries'
import ExportDeliveries from '#actions/stats/export_deliveries'
import { mailingStatsJson } from '#services/mailings/mailing_stats_json'
import { deliveryLogValidator, statsPollValidator } from '#validators/mailing_stats'

/**
 * A mailing's statistics and delivery log. Read-only, so whoever may open
 * the mailing (its owners; managers and admins for any workspace) may read
 * them.
 */
export default class MailingStatsController {
  /**
   * The numbers the mailing page polls while a run is sending, and its chart.
   */
  async show({ params, request, response, bouncer, tenant }: HttpContext) {
    const mailing = await FindViewableMailing.handle({ bouncer, tenant }, params.id)
    // A hand-edited position just gets the whole chart.
    const [, position] = await statsPollValidator.tryValidate(request.qs())

    const stats = await LoadMailingStats.handle(mailing)
    const chart = stats.chartRun
      ? await CountSendsOverTime.handle(stats.chartRun, mailing.tenant.timeZone, position ?? {})
      : null

    response.header('cache-control', 'no-store')
    return { ...mailingStatsJson(stats), chart }
  }

  async deliveries({ params, request, view, bouncer, tenant }: HttpContext) {
    const mailing = await FindViewableMailing.handle({ bouncer, tenant }, params.id)
    const filters = await logFilters(request.qs())

    return view.render('pages/mailings/deliveries', {
      mailing,
      filters,
      page: await ListDeliveries.handle(mailing, filters),
      timeZone: mailing.tenant.timeZone,
    })
  }

  /**
   * The log as CSV, with the page's filters, streamed.
   */
  async export({ params, request, response, bouncer, tenant }: HttpContext) {
    const mailing = await FindViewableMailing.handle({ bouncer, tenant }, params.id)
    const { status, email, run } = await logFilters(request.qs())

    const day = DateTime.now().setZone(mailing.tenant.timeZone).toISODate()
    response.header('content-type', 'text/csv; charset=utf-8')
    response.header(
      'content-disposition',
      `attachment; filename="mailing-${mailing.id}-deliveries-${day}.csv"`
    )
    response.header('cache-control', 'no-store')
    response.stream(ExportDeliveries.handle(mailing, { status, email, run }))
  }
}

/**
 * A hand-edited query string (unknown status...) shows the whole log.
 */
async function logFilters(qs: Record<string, unknown>) {
  const [, filters] = await deliveryLogValidator.tryValidate(qs)
  return filters ?? {}
}
