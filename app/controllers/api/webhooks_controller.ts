import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import WebhookEndpointPolicy from '#policies/webhook_endpoint_policy'
import CreateWebhookEndpoint from '#actions/webhooks/create_webhook_endpoint'
import UpdateWebhookEndpoint from '#actions/webhooks/update_webhook_endpoint'
import DeleteWebhookEndpoint from '#actions/webhooks/delete_webhook_endpoint'
import RotateWebhookSecret from '#actions/webhooks/rotate_webhook_secret'
import ListWebhookEndpointsByKeyset from '#actions/webhooks/list_webhook_endpoints_by_keyset'
import ListWebhookDeliveries from '#actions/webhooks/list_webhook_deliveries'
import RedeliverWebhook from '#actions/webhooks/redeliver_webhook'
import {
  apiWebhookDeliveryListValidator,
  apiWebhookEndpointListValidator,
  webhookEndpointChangesValidator,
  webhookEndpointValidator,
} from '#validators/webhook'
import { apiBody } from '#api/input'
import { ApiProblem } from '#api/problem'
import { problemMessages } from '#api/problem_messages'
import { keysetListOf, keysetRequest } from '#services/database/pagination'
import {
  serializeWebhookDelivery,
  serializeWebhookEndpoint,
  serializeWebhookEndpointWithSecret,
} from '#api/serializers/webhook'

/**
 * Webhook endpoints and their delivery logs, through the same actions as
 * Settings → Webhooks. The secret is answered only where one is made.
 */
export default class WebhooksController {
  /**
   * Newest first, by id (keyset).
   */
  async index({ request, tenant, bouncer }: HttpContext) {
    await bouncer.with(WebhookEndpointPolicy).authorize('viewList')
    const paging = await request.validateUsing(apiWebhookEndpointListValidator, {
      data: request.qs(),
    })
    const page = await ListWebhookEndpointsByKeyset.handle(tenant, keysetRequest(paging))
    return keysetListOf(page.items.map(serializeWebhookEndpoint), page.nextCursor)
  }

  async store({ request, response, tenant, bouncer, auth }: HttpContext) {
    await bouncer.with(WebhookEndpointPolicy).authorize('create')
    const data = await request.validateUsing(webhookEndpointValidator, { data: apiBody(request) })
    const endpoint = await CreateWebhookEndpoint.handle({
      actor: actorOf({ auth, request }),
      tenant,
      data,
    })

    response.header('Location', `/api/v1/webhooks/${endpoint.id}`)
    return response.created(serializeWebhookEndpointWithSecret(endpoint))
  }

  async show({ params, tenant, bouncer }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('view', endpoint)
    return serializeWebhookEndpoint(endpoint)
  }

  /**
   * Changes the fields sent, and only those.
   */
  async update({ params, request, tenant, bouncer, auth }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('update', endpoint)
    const data = await request.validateUsing(webhookEndpointChangesValidator, {
      data: apiBody(request),
    })
    await UpdateWebhookEndpoint.handle({ actor: actorOf({ auth, request }), endpoint, data })
    return serializeWebhookEndpoint(endpoint)
  }

  async destroy({ params, response, tenant, bouncer, auth, request }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('delete', endpoint)
    await DeleteWebhookEndpoint.handle(actorOf({ auth, request }), endpoint)
    return response.noContent()
  }

  async rotateSecret({ params, tenant, bouncer, auth, request }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('update', endpoint)
    await RotateWebhookSecret.handle(actorOf({ auth, request }), endpoint)
    return serializeWebhookEndpointWithSecret(endpoint)
  }

  /**
   * Newest first, each with its attempts; filters by status.
   */
  async deliveries({ params, request, tenant, bouncer }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('view', endpoint)
    const { status, ...paging } = await request.validateUsing(apiWebhookDeliveryListValidator, {
      data: request.qs(),
    })
    const page = await ListWebhookDeliveries.handle({ endpoint, status, ...keysetRequest(paging) })
    return keysetListOf(page.deliveries.map(serializeWebhookDelivery), page.nextCursor)
  }

  /**
   * Queues a finished delivery again; the workers send it.
   */
  async redeliver({ params, response, tenant, bouncer }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('update', endpoint)
    const delivery = await endpoint.findDelivery(params.deliveryId)

    if (!(await RedeliverWebhook.handle(delivery))) {
      throw new ApiProblem('conflict', problemMessages.webhooks.deliveryPending)
    }
    return response.accepted(serializeWebhookDelivery(delivery))
  }
}
