import type WebhookEndpoint from '#models/webhook_endpoint'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import type { WebhookEndpointChanges } from '#validators/webhook'
import { forgetSubscriptions } from '#services/webhooks/subscriptions'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Saves an endpoint's URL, description, events and state; what `data`
 * leaves out stays as it is (a PATCH). Enabling it again, or pointing it
 * elsewhere, forgets why it was disabled and its failing streak, so it gets
 * a fresh start.
 */
export default class UpdateWebhookEndpoint {
  static async handle({
    actor,
    endpoint,
    data,
  }: {
    actor: Actor
    endpoint: WebhookEndpoint
    data: WebhookEndpointChanges
  }) {
    const reenabled = data.enabled === true && !endpoint.enabled
    const moved = data.url !== undefined && data.url !== endpoint.url
    endpoint.merge(definedOnly(data))
    if (reenabled) endpoint.disabledReason = null
    if (reenabled || moved) endpoint.failingSince = null
    await writeTransaction(async (trx) => {
      endpoint.useTransaction(trx)
      await endpoint.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: endpoint.tenantId,
          action: 'webhook.update',
          subject: { type: 'webhook_endpoint', id: endpoint.id, label: endpoint.url },
          details: { changed: Object.keys(definedOnly(data)) },
        },
        trx
      )
    })
    await forgetSubscriptions(endpoint.tenantId)
    return endpoint
  }
}

function definedOnly<T extends object>(data: T) {
  return Object.fromEntries(
    Object.entries(data).filter(([, value]) => value !== undefined)
  ) as Partial<T>
}
