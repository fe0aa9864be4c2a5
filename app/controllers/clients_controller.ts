import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import ClientPolicy from '#policies/client_policy'
import ListClients from '#actions/clients/list_clients'
import SearchClients from '#actions/clients/search_clients'
import ListClientFilters from '#actions/clients/list_client_filters'
import CreateClient from '#actions/clients/create_client'
import UpdateClient from '#actions/clients/update_client'
import DeleteClients from '#actions/clients/delete_clients'
import FindOwnClients from '#actions/clients/find_own_clients'
import LoadClientForm from '#actions/clients/load_client_form'
import ListClientConsents from '#actions/signup_forms/list_client_consents'
import {
  bulkDeleteClientsValidator,
  clientListValidator,
  clientFormValidator,
  clientSearchValidator,
  clientMeta,
} from '#validators/client'
import { flashMessages } from '#services/http/flash_messages'
import { filtersQuery } from '#services/database/list_filters'
import { suppressionReasonsOf } from '#actions/suppressions/list_suppressions'
import { SUPPRESSION_BADGES } from '#services/suppressions/suppression_labels'
import { tagsOfClients } from '#audiences/client_tags'
import { findClientFilters } from '#audiences/client_filters'

export default class ClientsController {
  async index({ request, view, tenant, bouncer }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('viewList')
    // A hand-edited query string (unknown sort...) shows the default list.
    const [, filters] = await clientListValidator.tryValidate(request.qs())
    // Another workspace's tag or segment is not found (404).
    const page = await ListClients.handle(tenant, {
      ...(await findClientFilters(tenant, filters ?? {})),
      sort: filters?.sort,
      dir: filters?.dir,
      after: filters?.after,
      before: filters?.before,
    })
    // The page's clients on the suppression list: one query for the page.
    const suppressed = await suppressionReasonsOf(
      tenant,
      page.clients.map((client) => client.email)
    )
    // The page's clients' tags (one query).
    const tagsByClient = await tagsOfClients(page.clients.map((client) => client.id))
    // The filter bar's tags are also those the bulk bar offers.
    const filterOptions = await ListClientFilters.handle(tenant)

    return view.render('pages/clients/index', {
      page,
      suppressed,
      badges: SUPPRESSION_BADGES,
      tagsByClient,
      tags: filterOptions.filterTags,
      listQuery: filtersQuery({
        sort: page.sort,
        dir: page.dir,
        q: page.q,
        tag: page.tag?.id,
        segment: page.segment?.id,
        state: page.state ?? undefined,
      }),
      ...filterOptions,
    })
  }

  async create({ view, tenant, bouncer }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('create')
    return view.render('pages/clients/create', await LoadClientForm.handle(tenant))
  }

  async store({ request, response, tenant, bouncer, session, auth }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('create')
    const data = await request.validateUsing(clientFormValidator, {
      meta: await clientMeta(tenant),
    })
    const { client, suppressed } = await CreateClient.handle(
      actorOf({ auth, request }),
      tenant,
      data
    )

    session.flash(
      'success',
      suppressed
        ? flashMessages.clients.addedSuppressed(client.email)
        : flashMessages.clients.added(client.email)
    )
    return response.redirect().toRoute('clients.index')
  }

  async edit({ params, view, tenant, bouncer }: HttpContext) {
    const client = await tenant.findOwn('clients', params.id)
    await bouncer.with(ClientPolicy).authorize('update', client)
    const consents = await ListClientConsents.handle(client)
    return view.render('pages/clients/edit', {
      client,
      consents,
      ...(await LoadClientForm.handle(tenant, client)),
    })
  }

  async update({ params, request, response, tenant, bouncer, session, auth }: HttpContext) {
    const client = await tenant.findOwn('clients', params.id)
    await bouncer.with(ClientPolicy).authorize('update', client)
    const data = await request.validateUsing(clientFormValidator, {
      meta: await clientMeta(tenant, client),
    })
    // Every tag is a box of the form: none ticked means none.
    await UpdateClient.handle(actorOf({ auth, request }), client, {
      ...data,
      tagIds: data.tagIds ?? [],
    })

    session.flash('success', flashMessages.clients.saved(client.email))
    return response.redirect().toRoute('clients.index')
  }

  async destroy({ params, response, tenant, bouncer, session, auth, request }: HttpContext) {
    const client = await tenant.findOwn('clients', params.id)
    await bouncer.with(ClientPolicy).authorize('delete', client)
    await DeleteClients.handle(actorOf({ auth, request }), tenant, [client.id])

    session.flash('success', flashMessages.clients.deleted(client.email))
    // Back to the list as it was (search, sort, page).
    return response.redirect().withQs().back()
  }

  async bulkDestroy({ request, response, tenant, bouncer, session, auth }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('changeMany')
    const { ids } = await request.validateUsing(bulkDeleteClientsValidator)
    // Ids of other workspaces are not found here, so never deleted.
    const clients = await FindOwnClients.handle(tenant, ids)
    for (const client of clients) {
      await bouncer.with(ClientPolicy).authorize('delete', client)
    }
    const deleted = await DeleteClients.handle(
      actorOf({ auth, request }),
      tenant,
      clients.map((client) => client.id)
    )

    if (deleted === 0) {
      session.flash('error', flashMessages.clients.noneLeftToDelete)
    } else {
      session.flash('success', flashMessages.clients.deletedCount(deleted))
    }
    return response.redirect().withQs().back()
  }

  /**
   * `GET /clients/search?q=` → `[{ id, email, fullName }]`, at most 20, for
   * the mailing form's client picker.
   */
  async search({ request, tenant, bouncer }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('viewList')
    const { q } = await request.validateUsing(clientSearchValidator, { data: request.qs() })
    return SearchClients.handle(tenant, q)
  }
}
