import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import { DateTime } from 'luxon'
import type Mailing from '#models/mailing'
import MailingPolicy from '#policies/mailing_policy'
import CreateMailing from '#actions/mailings/create_mailing'
import UpdateMailing from '#actions/mailings/update_mailing'
import ArchiveMailing from '#actions/mailings/archive_mailing'
import PauseMailing from '#actions/mailings/pause_mailing'
import ResumeMailing from '#actions/mailings/resume_mailing'
import ListMailingsByKeyset from '#actions/mailings/list_mailings_by_keyset'
import StartRun from '#sending/start_run'
import { apiMailingListValidator, createMailingValidator } from '#validators/mailing'
import { tenantMeta } from '#validators/tenant_meta'
import { apiBody } from '#api/input'
import { ApiProblem } from '#api/problem'
import { problemMessages } from '#api/problem_messages'
import { keysetListOf, keysetRequest } from '#services/database/pagination'
import { loadAudienceTags, serializeMailing } from '#api/serializers/mailing'
import { serializeRun } from '#api/serializers/mailing_stats'

type MailingAction = 'update' | 'delete' | 'pause' | 'resume' | 'send'

export default class MailingsController {
  /**
   * The workspace's mailings (not deleted ones), newest first.
   */
  async index({ request, tenant, bouncer }: HttpContext) {
    await bouncer.with(MailingPolicy).authorize('viewList')
    const paging = await request.validateUsing(apiMailingListValidator, { data: request.qs() })
    const page = await ListMailingsByKeyset.handle(tenant, keysetRequest(paging))
    return keysetListOf(
      page.items.map((mailing) => serializeMailing(mailing, tenant.timeZone)),
      page.nextCursor
    )
  }

  /**
   * A mailing whose window contains now starts its first run at once.
   */
  async store({ request, response, tenant, bouncer, auth }: HttpContext) {
    await bouncer.with(MailingPolicy).authorize('create')
    const data = await request.validateUsing(createMailingValidator, {
      data: apiBody(request),
      meta: tenantMeta(tenant),
    })
    const mailing = await CreateMailing.handle({ actor: actorOf({ auth, request }), tenant, data })

    response.header('Location', `/api/v1/mailings/${mailing.id}`)
    return response.created(serializeMailing(await loadAudienceTags(mailing), tenant.timeZone))
  }

  async show({ params, tenant, bouncer }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await bouncer.with(MailingPolicy).authorize('view', mailing)
    return serializeMailing(await loadAudienceTags(mailing), tenant.timeZone)
  }

  /**
   * Before its first run everything may change; after, its name and end.
   */
  async update({ params, request, tenant, bouncer, auth }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await ensureAllowed(bouncer, 'update', mailing)
    await UpdateMailing.handle({
      actor: actorOf({ auth, request }),
      tenant,
      mailing,
      input: apiBody(request),
    })
    return serializeMailing(await loadAudienceTags(mailing), tenant.timeZone)
  }

  /**
   * Archives it: it never sends again, its history stays.
   */
  async destroy({ params, response, tenant, bouncer, auth, request }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await ensureAllowed(bouncer, 'delete', mailing)
    await ArchiveMailing.handle(actorOf({ auth, request }), mailing)
    return response.noContent()
  }

  /**
   * Starts a run now (as `node ace mailings:send --mailing=ID`); the
   * workers send it.
   */
  async send({ params, response, tenant, bouncer, auth, request }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await ensureAllowed(bouncer, 'send', mailing)
    const run = await StartRun.handle(mailing, DateTime.now(), {
      actor: actorOf({ auth, request }),
    })
    if (!run) throw new ApiProblem('conflict', problemMessages.mailings.runAlreadyStarted)
    return response.accepted(serializeRun(run))
  }

  async pause({ params, tenant, bouncer, auth, request }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await ensureAllowed(bouncer, 'pause', mailing)
    await PauseMailing.handle(actorOf({ auth, request }), mailing)
    return serializeMailing(await loadAudienceTags(mailing), tenant.timeZone)
  }

  async resume({ params, tenant, bouncer, auth, request }: HttpContext) {
    const mailing = await tenant.findOwn('mailings', params.id)
    await ensureAllowed(bouncer, 'resume', mailing)
    await ResumeMailing.handle(actorOf({ auth, request }), mailing)
    return serializeMailing(await loadAudienceTags(mailing), tenant.timeZone)
  }
}

/**
 * The mailing is the workspace's own (found from the tenant), so what the
 * policy refuses is its state (archived, completed, disabled by staff...):
 * 409 with that state, where the web pages answer 404.
 */
async function ensureAllowed(
  bouncer: HttpContext['bouncer'],
  action: MailingAction,
  mailing: Mailing
) {
  if (await bouncer.with(MailingPolicy).denies(action, mailing)) {
    const state = mailing.archivedAt ? 'deleted' : mailing.status
    throw new ApiProblem('conflict', problemMessages.mailings.notAllowedIn(state, action))
  }
}
