import type { HttpContext } from '@adonisjs/core/http'
import { wakeSchedulerFor } from '#sending/scheduler'
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
import {
  createMailingValidator,
  mailingFilterValidator,
  updateStartedMailingValidator,
} from '#validators/mailing'

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
      meta: { tenantId: tenant.id, timeZone: tenant.timeZone },
    })
    const mailing = await CreateMailing.handle({ tenant, user: auth.getUserOrFail(), data })
    await wakeSchedulerFor(mailing.nextRunAt)

    session.flash('success', `Mailing "${mailing.name}" is scheduled.`)
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
    const mailing = await this.#findOwn(tenant, params.id)
    await bouncer.with(MailingPolicy).authorize('update', mailing)

    return view.render('pages/mailings/form', {
      ...(await LoadMailingForm.handle(tenant, mailing)),
      mailing,
      started: UpdateMailing.hasStarted(mailing),
    })
  }

  async update({ request, response, params, bouncer, tenant, session }: HttpContext) {
    const mailing = await this.#findOwn(tenant, params.id)
    await bouncer.with(MailingPolicy).authorize('update', mailing)
    const meta = { tenantId: tenant.id, timeZone: tenant.timeZone }

    if (UpdateMailing.hasStarted(mailing)) {
      const data = await request.validateUsing(updateStartedMailingValidator, {
        meta: { ...meta, startAt: mailing.startAt },
      })
      await UpdateMailing.handleStarted({ tenant, mailing, data })
    } else {
      const data = await request.validateUsing(createMailingValidator, { meta })
      await UpdateMailing.handle({ tenant, mailing, data })
      await wakeSchedulerFor(mailing.nextRunAt)
    }

    session.flash('success', `Mailing "${mailing.name}" is saved.`)
    return response.redirect().toRoute('mailings.show', { id: mailing.id })
  }

  async destroy({ response, params, bouncer, tenant, session }: HttpContext) {
    const mailing = await this.#findOwn(tenant, params.id)
    await bouncer.with(MailingPolicy).authorize('delete', mailing)
    await ArchiveMailing.handle(mailing)

    session.flash(
      'success',
      `Mailing "${mailing.name}" is deleted. Its history is kept in the archive.`
    )
    return response.redirect().toRoute('mailings.index')
  }

  async pause({ response, params, bouncer, tenant, auth, session }: HttpContext) {
    const mailing = await this.#findOwn(tenant, params.id)
    await bouncer.with(MailingPolicy).authorize('pause', mailing)
    await PauseMailing.handle(mailing, auth.getUserOrFail())

    session.flash(
      'success',
      `Mailing "${mailing.name}" is paused. Nothing more is sent until you resume it.`
    )
    return response.redirect().toRoute('mailings.show', { id: mailing.id })
  }

  async resume({ response, params, bouncer, tenant, auth, session }: HttpContext) {
    const mailing = await this.#findOwn(tenant, params.id)
    await bouncer.with(MailingPolicy).authorize('resume', mailing)
    await ResumeMailing.handle(mailing, auth.getUserOrFail())

    session.flash('success', `Mailing "${mailing.name}" is resumed.`)
    return response.redirect().toRoute('mailings.show', { id: mailing.id })
  }

  /**
   * One of the workspace's own mailings; another workspace's id answers 404.
   */
  #findOwn(tenant: HttpContext['tenant'], id: string) {
    return tenant.related('mailings').query().where('id', id).firstOrFail()
  }
}
