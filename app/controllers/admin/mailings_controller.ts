import type { HttpContext } from '@adonisjs/core/http'
import { filtersQuery } from '#services/database/list_filters'
import AdminPanelPolicy from '#policies/admin_panel_policy'
import MailingPolicy from '#policies/mailing_policy'
import FindAnyMailing from '#actions/mailings/find_any_mailing'
import ListAllMailings from '#actions/mailings/list_all_mailings'
import LoadMailingDetails from '#actions/mailings/load_mailing_details'
import DisableMailing from '#actions/mailings/disable_mailing'
import EnableMailing from '#actions/mailings/enable_mailing'
import {
  optionalStaffReasonValidator,
  staffMailingFilterValidator,
  staffReasonValidator,
} from '#validators/admin'
import { flashMessages } from '#services/http/flash_messages'

/**
 * Every workspace's mailings for managers and admins: read-only, except
 * disabling and enabling.
 */
export default class MailingsController {
  async index({ view, request, bouncer }: HttpContext) {
    await bouncer.with(AdminPanelPolicy).authorize('viewMailings')
    const filters = await staffMailingFilterValidator.validate(request.qs())
    const page = await ListAllMailings.handle(filters)
    return view.render('pages/admin/mailings/index', {
      ...page,
      filters,
      query: filtersQuery(filters),
    })
  }

  async show({ view, params, bouncer }: HttpContext) {
    const mailing = await this.#find(bouncer, params.id)
    return view.render('pages/admin/mailings/show', await LoadMailingDetails.handle(mailing))
  }

  async disable({ request, response, params, bouncer, auth, session }: HttpContext) {
    const mailing = await this.#find(bouncer, params.id)
    await bouncer.with(MailingPolicy).authorize('disable', mailing)
    const { reason } = await request.validateUsing(staffReasonValidator)
    await DisableMailing.handle({ mailing, actor: auth.getUserOrFail(), reason })

    session.flash('success', flashMessages.mailings.disabled(mailing))
    return response.redirect().toRoute('admin.mailings.show', { id: mailing.id })
  }

  async enable({ request, response, params, bouncer, auth, session }: HttpContext) {
    const mailing = await this.#find(bouncer, params.id)
    await bouncer.with(MailingPolicy).authorize('enable', mailing)
    const { reason } = await request.validateUsing(optionalStaffReasonValidator)
    await EnableMailing.handle({ mailing, actor: auth.getUserOrFail(), reason })

    session.flash('success', flashMessages.mailings.enabled(mailing))
    return response.redirect().toRoute('admin.mailings.show', { id: mailing.id })
  }

  /**
   * Any workspace's mailing, for staff who oversee mailings; 404 for anyone
   * else, as for a mailing that does not exist.
   */
  async #find(bouncer: HttpContext['bouncer'], id: number) {
    await bouncer.with(AdminPanelPolicy).authorize('viewMailings')
    const mailing = await FindAnyMailing.handle(id)
    await bouncer.with(MailingPolicy).authorize('view', mailing)
    return mailing
  }
}
