import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import MailingPolicy from '#policies/mailing_policy'
import CreateMailing from '#actions/mailings/create_mailing'
import UpdateMailing from '#actions/mailings/update_mailing'
import ArchiveMailing from '#actions/mailings/archive_mailing'
import PauseMailing from '#actions/mailings/pause_mailing'
import ResumeMailing from '#actions/mailings/resume_mailing'
import FindViewableMailing from '#actions/mailings/find_viewable_mailing'
import LoadMailingDetails from '#actions/mailings/load_mailing_details'
import { createMailingValidator, mailingFilterValidator } from '#validators/mailing'
import { tenantMeta } from '#validators/tenant_meta'
import { countRecipients } from '#services/mailings/recipient_counts'
import { flashMessages } from '#services/flash_messages'

const PER_PAGE = 25

export default class MailingsController {
  async index({ view, request, bouncer, tenant }: HttpContext) {
    await bouncer.with(MailingPolicy).authorize('viewList')
    const { status, page = 1 } = await mailingFilterValidator.validate(request.qs())

    const query = tenant.related('mailings').query().preload('message')
    if (status === 'archived') query.whereNotNull('archived_at')
    else query.whereNull('archived_at')
    if (status && status !== 'archived') query.where('status', status)

    // One row more than shown tells whether there is a next page, without
    // counting every mailing.
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset((page - 1) * PER_PAGE)
      .limit(PER_PAGE + 1)
    const mailings = rows.slice(0, PER_PAGE)

    return view.render('pages/mailings/index', {
      mailings,
      recipients: await countRecipients(tenant, mailings),
      status,
      page,
      hasNextPage: rows.length > PER_PAGE,
    })
  }

  async create({ view, bouncer, tenant }: HttpContext) {
    await bouncer.with(MailingPolicy).authorize('create')
    return view.render('pages/mailings/form', await this.#formData(tenant))
  }

  async store({ request, response, bouncer, tenant, auth, session }: HttpContext) {
    await bouncer.with(MailingPolicy).authorize('create')
    const data = await request.validateUsing(createMailingValidator, {
      meta: tenantMeta(tenant),
    })
    const mailing = await CreateMailing.handle({ tenant, user: auth.getUserOrFail(), data })

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

    const selectedClients =
      mailing.audience === 'selected'
        ? await mailing
            .related('recipients')
            .query()
            .select('id', 'email', 'full_name')
            .orderBy('email')
        : []
    return view.render('pages/mailings/form', {
      ...(await this.#formData(tenant)),
      mailing,
      selectedClients,
      started: UpdateMailing.hasStarted(mailing),
    })
  }

  async update({ request, response, params, bouncer, tenant, session }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('update', mailing)
    await UpdateMailing.handle({ tenant, mailing, input: request.all() })

    session.flash('success', flashMessages.mailings.saved(mailing))
    return response.redirect().toRoute('mailings.show', { id: mailing.id })
  }

  async destroy({ response, params, bouncer, tenant, session }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('delete', mailing)
    await ArchiveMailing.handle(mailing)

    session.flash('success', flashMessages.mailings.archived(mailing))
    return response.redirect().toRoute('mailings.index')
  }

  async pause({ response, params, bouncer, tenant, auth, session }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('pause', mailing)
    await PauseMailing.handle(mailing, auth.getUserOrFail())

    session.flash('success', flashMessages.mailings.paused(mailing))
    return response.redirect().toRoute('mailings.show', { id: mailing.id })
  }

  async resume({ response, params, bouncer, tenant, auth, session }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('resume', mailing)
    await ResumeMailing.handle(mailing, auth.getUserOrFail())

    session.flash('success', flashMessages.mailings.resumed(mailing))
    return response.redirect().toRoute('mailings.show', { id: mailing.id })
  }

  async #formData(tenant: HttpContext['tenant']) {
    const messages = await tenant
      .related('messages')
      .query()
      .select('id', 'subject')
      .orderBy('updated_at', 'desc')
    const clientsCount = await db
      .from('clients')
      .where('tenant_id', tenant.id)
      .count('* as total')
      .then((rows) => Number(rows[0].total))
    return { messages, clientsCount, timeZone: tenant.timeZone }
  }
}
