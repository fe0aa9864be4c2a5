import logger from '@adonisjs/core/services/logger'
import type { EventsList } from '@adonisjs/core/types'
import RecordWebhookEvent, { type WebhookEvent } from '#actions/webhooks/record_webhook_event'
import { subscribedEndpointIds } from '#services/webhooks/subscriptions'
import type { WebhookEventType } from '#models/webhook_endpoint'
import {
  bouncePayload,
  clientSubscribedPayload,
  clientSuppressedPayload,
  clientUnsubscribedPayload,
  clientUpdatedPayload,
  messagePayload,
  runCompletedPayload,
  runStartedPayload,
} from '#services/webhooks/payloads'

/**
 * Outcome webhooks: what the sending engine and unsubscribes announce is
 * put in the webhook outbox (RecordWebhookEvent). Listeners run in the
 * process that emitted (the worker for sending, the web process for
 * unsubscribes), so they stay cheap: a cached lookup, and two inserts only
 * when an endpoint listens. Never an HTTP call: the `webhooks` queue
 * delivers.
 */
export default class RecordOutcomeWebhooks {
  async runStarted(event: EventsList['mailing_run:started']) {
    await record({
      tenantId: event.tenantId,
      type: 'mailing.run.started',
      data: () => runStartedPayload(event),
    })
  }

  async runCompleted(event: EventsList['mailing_run:completed']) {
    await record({
      tenantId: event.tenantId,
      type: 'mailing.run.completed',
      data: () => runCompletedPayload(event),
    })
  }

  async deliveriesFinished(event: EventsList['deliveries:finished']) {
    const { runId, tenantId, deliveries } = event
    // One subscription lookup per slice of messages, not one per message.
    let listeners: Record<'sent' | 'failed', number[]>
    try {
      listeners = {
        sent: await subscribedEndpointIds(tenantId, 'message.sent'),
        failed: await subscribedEndpointIds(tenantId, 'message.failed'),
      }
    } catch (error) {
      logger.error({ err: error, runId }, 'Webhook subscriptions could not be read')
      return
    }
    for (const delivery of deliveries) {
      const endpointIds = listeners[delivery.status]
      if (endpointIds.length === 0) continue
      await record({
        tenantId,
        type: delivery.status === 'sent' ? 'message.sent' : 'message.failed',
        endpointIds,
        data: messagePayload(event, delivery),
        requestId: event.requestId,
      })
    }
  }

  async clientUnsubscribed(event: EventsList['client:unsubscribed']) {
    const { tenantId } = event.client
    // Read from the database: the one-click unsubscribe must answer
    // while Redis is away (subscriptions.ts).
    const endpointIds = await freshEndpointIds(tenantId, 'client.unsubscribed')
    if (!endpointIds?.length) return
    await record({
      tenantId,
      type: 'client.unsubscribed',
      endpointIds,
      data: clientUnsubscribedPayload(event),
    })
  }

  /**
   * `client.updated`, from the preference page: topics chosen, or a
   * resubscribe. Read fresh like the unsubscribe's: the page must answer
   * while Redis is away.
   */
  async clientUpdated(event: EventsList['client:updated']) {
    const { tenantId } = event.client
    const endpointIds = await freshEndpointIds(tenantId, 'client.updated')
    if (!endpointIds?.length) return
    await record({
      tenantId,
      type: 'client.updated',
      endpointIds,
      data: () => clientUpdatedPayload(event),
    })
  }

  /**
   * `client.subscribed`, in the web process that took the confirmation
   * click (read from the database, as unsubscribes are).
   */
  async clientSubscribed(event: EventsList['client:subscribed']) {
    const { tenantId } = event.client
    const endpointIds = await freshEndpointIds(tenantId, 'client.subscribed')
    if (!endpointIds?.length) return
    await record({
      tenantId,
      type: 'client.subscribed',
      endpointIds,
      data: () => clientSubscribedPayload(event),
    })
  }

  /**
   * `client.suppressed`, for every reason but a plain unsubscribe, which
   * `client.unsubscribed` already announces (an unsubscribed address that
   * later bounces or complains is announced then, with the new reason).
   */
  async clientSuppressed(event: EventsList['client:suppressed']) {
    if (event.reason === 'unsubscribed') return
    const endpointIds = await freshEndpointIds(event.tenantId, 'client.suppressed')
    if (!endpointIds?.length) return
    await record({
      tenantId: event.tenantId,
      type: 'client.suppressed',
      endpointIds,
      data: () => clientSuppressedPayload(event),
    })
  }

  /**
   * `message.bounced` for bounces, `client.complained` for complaints; in
   * the process that recorded the report (bounces:listen or the web process).
   */
  async deliveryBounced(event: EventsList['delivery:bounced']) {
    const type = event.kind === 'complaint' ? 'client.complained' : 'message.bounced'
    const endpointIds = await freshEndpointIds(event.tenantId, type)
    if (!endpointIds?.length) return
    await record({ tenantId: event.tenantId, type, endpointIds, data: bouncePayload(event) })
  }
}

/**
 * The endpoints subscribed to a rare event, read from the database (null
 * when it cannot be read, logged): unsubscribes, bounces and complaints
 * are announced while a mail program, bounces:listen's SMTP client or a
 * provider's webhook waits for the answer, which must not wait out Redis's
 * reconnects in the cache while Redis is away; next to sends they are
 * rare, so the query costs little.
 */
async function freshEndpointIds(tenantId: number, type: WebhookEventType) {
  try {
    return await subscribedEndpointIds(tenantId, type, { fresh: true })
  } catch (error) {
    logger.error({ err: error, tenantId }, 'Webhook subscriptions could not be read')
    return null
  }
}

/**
 * A webhook that cannot be recorded is logged, never thrown back into the
 * send or the unsubscribe that announced it.
 */
async function record(event: WebhookEvent) {
  try {
    await RecordWebhookEvent.handle(event)
  } catch (error) {
    logger.error({ err: error, type: event.type }, 'A webhook event could not be recorded')
  }
}
