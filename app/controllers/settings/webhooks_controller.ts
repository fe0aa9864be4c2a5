import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import WebhookEndpointPolicy from '#policies/webhook_endpoint_policy'
import { WEBHOOK_EVENT_TYPES } from '#models/webhook_endpoint'
import { WEBHOOK_DELIVERY_STATUSES } from '#models/webhook_delivery'
import CreateWebhookEndpoint from '#actions/webhooks/create_webhook_endpoint'
import UpdateWebhookEndpoint from '#actions/webhooks/update_webhook_endpoint'
import DeleteWebhookEndpoint from '#actions/webhooks/delete_webhook_endpoint'
import RotateWebhookSecret from '#actions/webhooks/rotate_webhook_secret'
import ListWebhookEndpoints from '#actions/webhooks/list_webhook_endpoints'
import ListWebhookDeliveries from '#actions/webhooks/list_webhook_deliveries'
import RedeliverWebhook from '#actions/webhooks/redeliver_webhook'
import SendTestWebhook from '#actions/webhooks/send_test_webhook'
import { webhookDeliveriesValidator, webhookEndpointValidator } from '#validators/webhook'
import { flashMessages } from '#services/http/flash_messages'

/**
 * Settings → Webhooks: the workspace's endpoints, their secrets and their
 * delivery log.
 */
export default class WebhooksController {
  async index({ view, bouncer, tenant }: HttpContext) {
    await bouncer.with(WebhookEndpointPolicy).authorize('viewList')
    const endpoints = await ListWebhookEndpoints.handle(tenant)
    return view.render('pages/settings/webhooks/index', { endpoints })
  }

  async create({ view, bouncer }: HttpContext) {
    await bouncer.with(WebhookEndpointPolicy).authorize('create')
    return view.render('pages/settings/webhooks/form', { eventTypes: WEBHOOK_EVENT_TYPES })
  }

  async store({ request, response, bouncer, tenant, session, auth }: HttpContext) {
    await bouncer.with(WebhookEndpointPolicy).authorize('create')
    const data = await request.validateUsing(webhookEndpointValidator)
    const endpoint = await CreateWebhookEndpoint.handle({
      actor: actorOf({ auth, request }),
      tenant,
      data,
    })

    session.flash('success', flashMessages.webhooks.added)
    return response.redirect().toRoute('settings.webhooks.show', { id: endpoint.id })
  }

  async show({ view, request, params, bouncer, tenant }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('view', endpoint)
    const filter = await webhookDeliveriesValidator.validate(request.qs())
    const page = await ListWebhookDeliveries.handle({
      endpoint,
      status: filter.status,
      after: filter.before,
    })
    return view.render('pages/settings/webhooks/show', {
      endpoint,
      ...page,
      filter,
      statuses: WEBHOOK_DELIVERY_STATUSES,
    })
  }

  async edit({ view, params, bouncer, tenant }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('update', endpoint)
    return view.render('pages/settings/webhooks/form', {
      endpoint,
      eventTypes: WEBHOOK_EVENT_TYPES,
    })
  }

  async update({ request, response, params, bouncer, tenant, session, auth }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('update', endpoint)
    const data = await request.validateUsing(webhookEndpointValidator)
    // The form sends every field; an unticked box or an emptied field is
    // simply absent, which here means off or cleared.
    await UpdateWebhookEndpoint.handle({
      actor: actorOf({ auth, request }),
      endpoint,
      data: { ...data, description: data.description ?? null, enabled: data.enabled ?? false },
    })

    session.flash('success', flashMessages.webhooks.saved)
    return response.redirect().toRoute('settings.webhooks.show', { id: endpoint.id })
  }

  async destroy({ response, params, bouncer, tenant, session, auth, request }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('delete', endpoint)
    await DeleteWebhookEndpoint.handle(actorOf({ auth, request }), endpoint)

    session.flash('success', flashMessages.webhooks.deleted(endpoint.url))
    return response.redirect().toRoute('settings.webhooks.index')
  }

  async rotateSecret({ response, params, bouncer, tenant, session, auth, request }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('update', endpoint)
    await RotateWebhookSecret.handle(actorOf({ auth, request }), endpoint)

    session.flash('success', flashMessages.webhooks.secretRotated)
    return response.redirect().toRoute('settings.webhooks.show', { id: endpoint.id })
  }

  async test({ response, params, bouncer, tenant, session }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('update', endpoint)

    if (endpoint.enabled) {
      const message = await SendTestWebhook.handle(endpoint)
      session.flash('success', flashMessages.webhooks.testSent(message!.id))
    } else {
      session.flash('error', flashMessages.webhooks.enableFirst)
    }
    return response.redirect().toRoute('settings.webhooks.show', { id: endpoint.id })
  }

  async redeliver({ response, params, bouncer, tenant, session }: HttpContext) {
    const endpoint = await tenant.findOwn('webhookEndpoints', params.id)
    await bouncer.with(WebhookEndpointPolicy).authorize('update', endpoint)
    const delivery = await endpoint.findDelivery(params.deliveryId)

    const queued = await RedeliverWebhook.handle(delivery)
    if (queued) session.flash('success', flashMessages.webhooks.redelivering(delivery.messageId))
    else session.flash('error', flashMessages.webhooks.alreadyWaiting(delivery.messageId))
    return response.redirect().toRoute('settings.webhooks.show', { id: endpoint.id })
  }
}
