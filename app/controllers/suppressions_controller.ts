import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import { DateTime } from 'luxon'
import SuppressionPolicy from '#policies/suppression_policy'
import ListSuppressions from '#actions/suppressions/list_suppressions'
import AddSuppression from '#actions/suppressions/add_suppression'
import ExportSuppressions from '#actions/suppressions/export_suppressions'
import RemoveSuppression, {
  ComplaintRemovalNotConfirmedError,
  UnsubscribeNotRemovableError,
} from '#actions/suppressions/remove_suppression'
import { SUPPRESSION_REASONS } from '#models/suppression'
import {
  removeSuppressionValidator,
  suppressionListValidator,
  suppressionValidator,
} from '#validators/suppression'
import { flashMessages } from '#services/http/flash_messages'
import { filtersQuery } from '#services/database/list_filters'
import { SUPPRESSION_LABELS } from '#services/suppressions/suppression_labels'

/**
 * Clients → Suppression list: the addresses the workspace never mails,
 * searched, filtered by reason, exported, added and removed by hand.
 */
export default class SuppressionsController {
  async index({ request, view, tenant, bouncer }: HttpContext) {
    await bouncer.with(SuppressionPolicy).authorize('viewList')
    // A hand-edited query string (unknown reason...) shows the whole list.
    const [, filters] = await suppressionListValidator.tryValidate(request.qs())
    const { q, reason, after } = filters ?? {}
    const page = await ListSuppressions.handle(tenant, { q, reason, after })

    return view.render('pages/suppressions/index', {
      page,
      q: q ?? '',
      reason: reason ?? '',
      reasons: SUPPRESSION_REASONS,
      labels: SUPPRESSION_LABELS,
      listQuery: filtersQuery({ q, reason }),
    })
  }

  async store({ request, response, tenant, bouncer, session, auth }: HttpContext) {
    await bouncer.with(SuppressionPolicy).authorize('create')
    const { email, detail } = await request.validateUsing(suppressionValidator)
    const { created } = await AddSuppression.handle(actorOf({ auth, request }), tenant, {
      email,
      detail,
      source: 'manual',
    })

    session.flash(
      'success',
      created ? flashMessages.suppressions.added(email) : flashMessages.suppressions.already(email)
    )
    return response.redirect().toRoute('suppressions.index')
  }

  async destroy({ params, request, response, tenant, bouncer, session, auth }: HttpContext) {
    const entry = await tenant.findOwn('suppressions', params.id)
    await bouncer.with(SuppressionPolicy).authorize('delete', entry)
    const { confirmComplaint } = await request.validateUsing(removeSuppressionValidator)
    try {
      const removal = await RemoveSuppression.handle(actorOf({ auth, request }), entry, {
        complaintConfirmed: confirmComplaint === true,
      })
      session.flash(
        'success',
        removal === 'removed'
          ? flashMessages.suppressions.removed(entry.email)
          : flashMessages.suppressions.keptUnsubscribed(entry.email)
      )
    } catch (error) {
      // The page shows no Remove button for an unsubscribe; a forged or
      // stale form still gets a reason.
      if (error instanceof UnsubscribeNotRemovableError) {
        session.flash('error', flashMessages.suppressions.unsubscribeNotRemovable(entry.email))
      } else if (error instanceof ComplaintRemovalNotConfirmedError) {
        session.flash('error', flashMessages.suppressions.confirmComplaint(entry.email))
      } else {
        throw error
      }
    }
    // Back to the list as it was (search, reason, page).
    return response.redirect().withQs().back()
  }

  /**
   * The list as CSV, with its current search and reason, streamed.
   */
  async export({ request, response, tenant, bouncer }: HttpContext) {
    await bouncer.with(SuppressionPolicy).authorize('viewList')
    const [, filters] = await suppressionListValidator.tryValidate(request.qs())
    const { q, reason } = filters ?? {}

    const day = DateTime.now().setZone(tenant.timeZone).toISODate()
    response.header('content-type', 'text/csv; charset=utf-8')
    response.header('content-disposition', `attachment; filename="suppressions-${day}.csv"`)
    response.header('cache-control', 'no-store')
    response.stream(ExportSuppressions.handle(tenant, { q, reason }))
  }
}
