import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import MailingPolicy from '#policies/mailing_policy'
import CreateMailing from '#actions/mailings/create_mailing'
import UpdateMailing from '#actions/mailings/update_mailing'
import ArchiveMailing from '#actions/mailings/archive_mailing'
import PauseMailing from '#actions/mailings/pause_mailing'
import ResumeMailing from '#actions/mailings/resume_mailing'
import FindViewableMailing from '#actions/mailings/find_viewable_mailing'
import LoadMailingDetails from '#actions/mailings/load_mailing_details'
import ListMailings from '#actions/mailings/list_mailings'
import LoadMailingForm from '#actions/mailings/load_mailing_form'
import { createMailingValidator, mailingFilterValidator } from '#validators/mailing'
import { tenantMeta } from '#validators/tenant_meta'
import { flashMessages } from '#services/http/flash_messages'

export default class MailingsController {
  async index({ view, request, bouncer, tenant }: HttpContext) {
    await bouncer.with(MailingPolicy).authorize('viewList')
    const filters = await mailingFilterValidator.validate(request.qs())
    return view.render('pages/mailings/index', {
      ...(await ListMailings.handle(tenant, filters)),
      status: filters.status,
    })
  }

  async create({ view, bouncer, tenant }: HttpContext) {
    await bouncer.with(MailingPolicy).authorize('create')
    return view.render('pages/mailings/form', await LoadMailingForm.handle(tenant))
  }

  async store({ request, response, bouncer, tenant, auth, session }: HttpContext) {
    await bouncer.with(MailingPolicy).authorize('create')
    const data = await request.validateUsing(createMailingValidator, {
      meta: tenantMeta(tenant),
    })
    const mailing = await CreateMailing.handle({ actor: actorOf({ auth, request }), tenant, data })

    session.flash('success', flashMessages.mailings.scheduled(mailing))
    return response.redirect().toRoute('mailings.show', { id: mailing.id })
  }

  /**
   * Owners open their workspace's mailings; managers and admins may open any
   * workspace's, read-only (the policy decides what they may do with it).
   */
  async show({ view, params, bouncer, tenant }: HttpContext) {
    const mailing = await FindViewableMailing.handle({ bouncer, tenant }, params.id)
    return view.render('pages/mailings/show', await LoadMailingDetails.handle(mailing))
  }

  async edit({ view, params, bouncer, tenant }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('update', mailing)

    return view.render('pages/mailings/form', {
      ...(await LoadMailingForm.handle(tenant, mailing)),
      mailing,
      started: mailing.hasStarted,
    })
  }

  async update({ request, response, params, bouncer, tenant, session, auth }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('update', mailing)
    await UpdateMailing.handle({
      actor: actorOf({ auth, request }),
      tenant,
      mailing,
      input: request.all(),
    })

    session.flash('success', flashMessages.mailings.saved(mailing))
    return response.redirect().toRoute('mailings.show', { id: mailing.id })
  }

  async destroy({ response, params, bouncer, tenant, session, auth, request }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('delete', mailing)
    await ArchiveMailing.handle(actorOf({ auth, request }), mailing)

    session.flash('success', flashMessages.mailings.archived(mailing))
    return response.redirect().toRoute('mailings.index')
  }

  async pause({ response, params, bouncer, tenant, auth, session, request }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('pause', mailing)
    await PauseMailing.handle(actorOf({ auth, request }), mailing)

    session.flash('success', flashMessages.mailings.paused(mailing))
    return response.redirect().toRoute('mailings.show', { id: mailing.id })
  }

  async resume({ response, params, bouncer, tenant, auth, session, request }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('resume', mailing)
    await ResumeMailing.handle(actorOf({ auth, request }), mailing)

    session.flash('success', flashMessages.mailings.resumed(mailing))
    return response.redirect().toRoute('mailings.show', { id: mailing.id })
  }
}
