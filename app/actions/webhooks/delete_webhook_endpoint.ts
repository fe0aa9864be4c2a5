import type WebhookEndpoint from '#models/webhook_endpoint'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { forgetSubscriptions } from '#services/webhooks/subscriptions'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Deletes an endpoint with its deliveries and their attempts (cascade);
 * pending deliveries are never sent.
 */
export default class DeleteWebhookEndpoint {
  static async handle(actor: Actor, endpoint: WebhookEndpoint) {
    await writeTransaction(async (trx) => {
      endpoint.useTransaction(trx)
      await endpoint.delete()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: endpoint.tenantId,
          action: 'webhook.delete',
          subject: { type: 'webhook_endpoint', id: endpoint.id, label: endpoint.url },
        },
        trx
      )
    })
    await forgetSubscriptions(endpoint.tenantId)
  }
}
