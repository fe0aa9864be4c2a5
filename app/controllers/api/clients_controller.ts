import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import ClientPolicy from '#policies/client_policy'
import ListClients from '#actions/clients/list_clients'
import CreateClient from '#actions/clients/create_client'
import UpdateClient from '#actions/clients/update_client'
import DeleteClients from '#actions/clients/delete_clients'
import BulkUpsertClients from '#actions/clients/bulk_upsert_clients'
import {
  apiClientListValidator,
  apiClientValidator,
  bulkUpsertClientsValidator,
  clientMeta,
} from '#validators/client'
import { apiBody, camelKeys } from '#api/input'
import { listOf, pageSize } from '#services/database/pagination'
import { serializeClients } from '#api/serializers/client'
import { serializeBulkUpsert } from '#api/serializers/bulk_upsert'
import { findClientFilters } from '#audiences/client_filters'

export default class ClientsController {
  async index({ request, tenant, bouncer }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('viewList')
    const filters = await request.validateUsing(apiClientListValidator, { data: request.qs() })
    // Another workspace's tag or segment is not found (404).
    const page = await ListClients.handle(tenant, {
      ...(await findClientFilters(tenant, {
        q: filters.q,
        tag: filters.tag_id,
        segment: filters.segment_id,
        state: filters.state,
      })),
      after: filters.cursor,
      perPage: pageSize(filters.limit),
    })
    return listOf(await serializeClients(page.clients), page.nextCursor)
  }

  async store({ request, response, tenant, bouncer, auth }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('create')
    const data = await request.validateUsing(apiClientValidator, {
      data: apiBody(request),
      meta: await clientMeta(tenant),
    })
    const { client, suppressed } = await CreateClient.handle(
      actorOf({ auth, request }),
      tenant,
      data
    )

    response.header('Location', `/api/v1/clients/${client.id}`)
    const [serialized] = await serializeClients([client])
    return response.created({ ...serialized, suppressed })
  }

  async show({ params, tenant, bouncer }: HttpContext) {
    const client = await tenant.findOwn('clients', params.id)
    await bouncer.with(ClientPolicy).authorize('view', client)
    const [serialized] = await serializeClients([client])
    return serialized
  }

  /**
   * Replaces the client's fields: a missing name or comment is cleared.
   * Tags and attributes change only as the body says (add_tags,
   * remove_tags, attributes).
   */
  async update({ params, request, tenant, bouncer, auth }: HttpContext) {
    const client = await tenant.findOwn('clients', params.id)
    await bouncer.with(ClientPolicy).authorize('update', client)
    const data = await request.validateUsing(apiClientValidator, {
      data: apiBody(request),
      meta: await clientMeta(tenant, client),
    })
    await UpdateClient.handle(actorOf({ auth, request }), client, data)
    const [serialized] = await serializeClients([client])
    return serialized
  }

  async destroy({ params, response, tenant, bouncer, auth, request }: HttpContext) {
    const client = await tenant.findOwn('clients', params.id)
    await bouncer.with(ClientPolicy).authorize('delete', client)
    await DeleteClients.handle(actorOf({ auth, request }), tenant, [client.id])
    return response.noContent()
  }

  /**
   * Upserts up to 1,000 clients by email, with a result per item.
   */
  async bulk({ request, tenant, bouncer, auth }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('create')
    const { clients } = await request.validateUsing(bulkUpsertClientsValidator)
    const results = await BulkUpsertClients.handle(
      actorOf({ auth, request }),
      tenant,
      clients.map(camelKeys)
    )
    return serializeBulkUpsert(results)
  }
}
