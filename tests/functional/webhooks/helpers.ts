import type Tenant from '#models/tenant'
import type { WebhookEventType } from '#models/webhook_endpoint'
import WebhookDelivery from '#models/webhook_delivery'
import WebhookAttempt from '#models/webhook_attempt'
import CreateWebhookEndpoint from '#actions/webhooks/create_webhook_endpoint'
import RecordWebhookEvent from '#actions/webhooks/record_webhook_event'
import { waitUntil } from '#tests/helpers/wait'
import { ownerActorOf } from '#tests/helpers/actors'

/**
 * An enabled endpoint of the workspace, made by the same action as the
 * Settings form (which refuses private addresses the connection filter
 * must also refuse on its own).
 */
export async function createEndpoint(
  tenant: Tenant,
  url: string,
  events: WebhookEventType[] = ['client.unsubscribed']
) {
  return CreateWebhookEndpoint.handle({
    actor: await ownerActorOf(tenant),
    tenant,
    data: { url, events },
  })
}

let sequence = 0

/**
 * An event put in the outbox as the listeners do; the running worker
 * delivers it.
 */
export async function recordUnsubscribe(tenant: Tenant) {
  sequence += 1
  const message = await RecordWebhookEvent.handle({
    tenantId: tenant.id,
    type: 'client.unsubscribed',
    data: { client_id: sequence, email: `gone-${sequence}@example.com` },
  })
  return WebhookDelivery.query().where('message_id', message!.id).firstOrFail()
}

/**
 * Waits until the delivery has `count` attempts in its log (or more), and
 * `status` if given, and returns it with its attempts, oldest first.
 */
export function waitForAttempts(delivery: WebhookDelivery, count: number, status?: string) {
  return waitUntil(`${count} attempts of webhook delivery ${delivery.id}`, async () => {
    // Attempts first: once one is visible its transaction has committed, so
    // the delivery read next shows the state that attempt left.
    const attempts = await WebhookAttempt.query().where('delivery_id', delivery.id).orderBy('id')
    const current = await WebhookDelivery.findOrFail(delivery.id)
    if (attempts.length < count || (status && current.status !== status)) return null
    current.$setRelated('attemptLog', attempts)
    return current
  })
}
