import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import { errors as vineErrors } from '@vinejs/vine'
import type Tenant from '#models/tenant'
import TagPolicy from '#policies/tag_policy'
import ClientPolicy from '#policies/client_policy'
import ListTags from '#actions/tags/list_tags'
import CreateTag, { TagNameTakenError } from '#actions/tags/create_tag'
import UpdateTag from '#actions/tags/update_tag'
import DeleteTag from '#actions/tags/delete_tag'
import TagClients, { type ClientSelection } from '#actions/tags/tag_clients'
import FindOwnClients from '#actions/clients/find_own_clients'
import { TagLimitError } from '#audiences/client_tags'
import { usageOfTag } from '#audiences/usage'
import { findClientFilters } from '#audiences/client_filters'
import { bulkTagClientsValidator, tagValidator } from '#validators/tag'
import { tenantMeta } from '#validators/tenant_meta'
import { flashMessages } from '#services/http/flash_messages'

/**
 * Clients → Tags: the workspace's tags with their client counts, created,
 * renamed, marked as topics and deleted; and the clients list's bulk bar,
 * which adds or removes a tag for many clients at once.
 */
export default class TagsController {
  async index({ view, tenant, bouncer }: HttpContext) {
    await bouncer.with(TagPolicy).authorize('viewList')
    const tags = await ListTags.handle(tenant)
    return view.render('pages/tags/index', { tags })
  }

  async store({ request, response, tenant, bouncer, session, auth }: HttpContext) {
    await bouncer.with(TagPolicy).authorize('create')
    const data = await request.validateUsing(tagValidator, { meta: tenantMeta(tenant) })
    const tag = await nameRefusalsBesideTheField(() =>
      CreateTag.handle(actorOf({ auth, request }), tenant, data)
    )

    session.flash('success', flashMessages.tags.added(tag.name))
    return response.redirect().toRoute('tags.index')
  }

  async edit({ params, view, tenant, bouncer }: HttpContext) {
    const tag = await tenant.findOwn('tags', params.id)
    await bouncer.with(TagPolicy).authorize('update', tag)
    const usedBy = await usageOfTag(tenant.id, tag.id)
    return view.render('pages/tags/edit', { tag, usedBy })
  }

  async update({ params, request, response, tenant, bouncer, session, auth }: HttpContext) {
    const tag = await tenant.findOwn('tags', params.id)
    await bouncer.with(TagPolicy).authorize('update', tag)
    const data = await request.validateUsing(tagValidator, {
      meta: { ...tenantMeta(tenant), tagId: tag.id },
    })
    await nameRefusalsBesideTheField(() => UpdateTag.handle(actorOf({ auth, request }), tag, data))

    session.flash('success', flashMessages.tags.saved(tag.name))
    return response.redirect().toRoute('tags.index')
  }

  async destroy({ params, response, tenant, bouncer, session, auth, request }: HttpContext) {
    const tag = await tenant.findOwn('tags', params.id)
    await bouncer.with(TagPolicy).authorize('delete', tag)

    const result = await DeleteTag.handle(actorOf({ auth, request }), tag)
    if (!result.deleted) {
      session.flash('error', flashMessages.tags.notDeleted(tag.name, result.usedBy))
      return response.redirect().toRoute('tags.edit', { id: tag.id })
    }
    session.flash('success', flashMessages.tags.deleted(tag.name))
    return response.redirect().toRoute('tags.index')
  }

  /**
   * The clients list's bulk bar: one tag added to or removed from the
   * ticked clients, or from every client the list shows (its search and
   * filters, all of its pages).
   */
  async bulk({ request, response, tenant, bouncer, session, auth }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('changeMany')
    const data = await request.validateUsing(bulkTagClientsValidator, { meta: tenantMeta(tenant) })
    const tag = await tenant.findOwn('tags', data.tagId)
    await bouncer.with(TagPolicy).authorize('tagClients', tag)

    const selection: ClientSelection =
      data.scope === 'selected'
        ? { ids: await ownTickedClients(bouncer, tenant, data.ids ?? []) }
        : // "Every client in this list": the list's own filters.
          { filters: await findClientFilters(tenant, data) }
    const changed = await TagClients.handle(
      actorOf({ auth, request }),
      tenant,
      tag,
      data.op,
      selection
    )

    session.flash(
      'success',
      data.op === 'add'
        ? flashMessages.tags.addedToClients(tag.name, changed)
        : flashMessages.tags.removedFromClients(tag.name, changed)
    )
    // Back to the list as it was (search, sort, page).
    return response.redirect().withQs().back()
  }
}

/**
 * The ids of the ticked clients, each one the user may change: ids of other
 * workspaces are not found here, so never tagged.
 */
async function ownTickedClients(bouncer: HttpContext['bouncer'], tenant: Tenant, ids: number[]) {
  const clients = await FindOwnClients.handle(tenant, ids)
  for (const client of clients) {
    await bouncer.with(ClientPolicy).authorize('update', client)
  }
  return clients.map((client) => client.id)
}

/**
 * A full workspace or a name taken meanwhile, answered beside the name as
 * a validation error is.
 */
async function nameRefusalsBesideTheField<T>(save: () => Promise<T>) {
  try {
    return await save()
  } catch (error) {
    if (error instanceof TagLimitError || error instanceof TagNameTakenError) {
      throw new vineErrors.E_VALIDATION_ERROR([
        { field: 'name', message: error.message, rule: 'tag' },
      ])
    }
    throw error
  }
}
