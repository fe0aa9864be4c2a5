import { DateTime } from 'luxon'
import type WebhookDelivery from '#models/webhook_delivery'

/**
 * Sends a finished delivery (succeeded or failed) again, as the same
 * message (same webhook-id, so a receiver that already has it can drop
 * it), with the retry schedule starting over. Earlier attempts stay in the
 * log. A pending delivery is already on its way: it returns false.
 */
export default class RedeliverWebhook {
  static async handle(delivery: WebhookDelivery) {
    if (delivery.status === 'pending') return false
    delivery.merge({ status: 'pending', attempts: 0, nextAttemptAt: DateTime.utc() })
    await delivery.save()
    return true
  }
}
