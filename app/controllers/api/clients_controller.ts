import type { HttpContext } from '@adonisjs/core/http'
import ClientPolicy from '#policies/client_policy'
import ListClients from '#actions/clients/list_clients'
import CreateClient from '#actions/clients/create_client'
import UpdateClient from '#actions/clients/update_client'
import DeleteClients from '#actions/clients/delete_clients'
import BulkUpsertClients from '#actions/clients/bulk_upsert_clients'
import {
  apiClientListValidator,
  bulkUpsertClientsValidator,
  clientValidator,
} from '#validators/client'
import { tenantMeta } from '#validators/tenant_meta'
import { apiBody, camelKeys } from '#api/input'
import { listOf, pageSize } from '#services/database/pagination'
import { serializeClient } from '#api/serializers/client'
import { serializeBulkUpsert } from '#api/serializers/bulk_upsert'

export default class ClientsController {
  async index({ request, tenant, bouncer }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('viewList')
    const filters = await request.validateUsing(apiClientListValidator, { data: request.qs() })
    // Another workspace's tag or segment is not found (404).
    const page = await ListClients.handle(tenant, {
      q: filters.q,
      tag: filters.tag ? await tenant.findOwn('tags', filters.tag) : null,
      segment: filters.segment_id ? await tenant.findOwn('segments', filters.segment_id) : null,
      state: filters.state,
      after: filters.cursor,
      perPage: pageSize(filters.limit),
    })
    return listOf(page.clients.map(serializeClient), page.nextCursor)
  }

  async store({ request, response, tenant, bouncer }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('create')
    const data = await request.validateUsing(clientValidator, {
      data: apiBody(request),
      meta: tenantMeta(tenant),
    })
    const { client, suppressed } = await CreateClient.handle(tenant, data)
    await client.refresh()

    response.header('Location', `/api/v1/clients/${client.id}`)
    return response.created({ ...serializeClient(client), suppressed })
  }

  async show({ params, tenant, bouncer }: HttpContext) {
    const client = await tenant.findOwn('clients', params.id)
    await bouncer.with(ClientPolicy).authorize('view', client)
    return serializeClient(client)
  }

  /**
   * Replaces the client's fields: a missing name or comment is cleared.
   */
  async update({ params, request, tenant, bouncer }: HttpContext) {
    const client = await tenant.findOwn('clients', params.id)
    await bouncer.with(ClientPolicy).authorize('update', client)
    const data = await request.validateUsing(clientValidator, {
      data: apiBody(request),
      meta: { ...tenantMeta(tenant), clientId: client.id },
    })
    await UpdateClient.handle(client, data)
    return serializeClient(client)
  }

  async destroy({ params, response, tenant, bouncer }: HttpContext) {
    const client = await tenant.findOwn('clients', params.id)
    await bouncer.with(ClientPolicy).authorize('delete', client)
    await DeleteClients.handle(tenant, [client.id])
    return response.noContent()
  }

  /**
   * Upserts up to 1,000 clients by email, with a result per item.
   */
  async bulk({ request, tenant, bouncer }: HttpContext) {
    await bouncer.with(ClientPolicy).authorize('create')
    const { clients } = await request.validateUsing(bulkUpsertClientsValidator)
    const results = await BulkUpsertClients.handle(tenant, clients.map(camelKeys))
    return serializeBulkUpsert(results)
  }
}
