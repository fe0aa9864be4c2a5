import type Tenant from '#models/tenant'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import WebhookEndpoint from '#models/webhook_endpoint'
import type { WebhookEndpointData } from '#validators/webhook'
import { newSecret } from '#services/webhooks/signing'
import { forgetSubscriptions } from '#services/webhooks/subscriptions'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * A new endpoint with a fresh `whsec_` secret; it hears about the next
 * event of the types it chose. Returns the endpoint read back after the
 * commit, as the API shows it.
 */
export default class CreateWebhookEndpoint {
  static async handle({
    actor,
    tenant,
    data,
  }: {
    actor: Actor
    tenant: Tenant
    data: WebhookEndpointData
  }) {
    const endpoint = await writeTransaction(async (trx) => {
      const created = await WebhookEndpoint.create(
        {
          tenantId: tenant.id,
          url: data.url,
          description: data.description ?? null,
          events: data.events,
          enabled: data.enabled ?? true,
          secret: newSecret(),
        },
        { client: trx }
      )
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: tenant.id,
          action: 'webhook.create',
          subject: { type: 'webhook_endpoint', id: created.id, label: created.url },
          details: { events: created.events, enabled: created.enabled },
        },
        trx
      )
      return created
    })
    await forgetSubscriptions(tenant.id)
    // As stored, with the columns the database filled in.
    await endpoint.refresh()
    return endpoint
  }
}
