import type WebhookEndpoint from '#models/webhook_endpoint'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { newSecret } from '#services/webhooks/signing'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Replaces an endpoint's secret: every attempt from now on, retries of
 * older messages included, is signed with the new one.
 */
export default class RotateWebhookSecret {
  static async handle(actor: Actor, endpoint: WebhookEndpoint) {
    await writeTransaction(async (trx) => {
      endpoint.useTransaction(trx)
      endpoint.secret = newSecret()
      await endpoint.save()
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: endpoint.tenantId,
          action: 'webhook.rotate_secret',
          subject: { type: 'webhook_endpoint', id: endpoint.id, label: endpoint.url },
        },
        trx
      )
    })
    return endpoint.secret
  }
}
