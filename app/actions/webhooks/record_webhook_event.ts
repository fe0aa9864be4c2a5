import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import WebhookMessage from '#models/webhook_message'
import type { WebhookEventType, WebhookMessageType } from '#models/webhook_endpoint'
import { newMessageId } from '#services/webhooks/signing'
import { subscribedEndpointIds } from '#services/webhooks/subscriptions'
import { sqlTime } from '#services/database/sql_time'
import { currentCause } from '#services/queue/work_context'

export type WebhookEvent = {
  tenantId: number
  /**
   * The `data` of the message; a function when building it costs a query,
   * so nothing is read for workspaces without a subscribed endpoint.
   */
  data: Record<string, unknown> | (() => Promise<Record<string, unknown>>)
  /**
   * What caused the event, where no request is being served (a worker's
   * job names it); otherwise the request's id is taken.
   */
  requestId?: string
} & (
  | { type: WebhookEventType; endpointIds?: undefined }
  /**
   * A message for these endpoints only (a test, a replay), whatever they
   * subscribed to.
   */
  | { type: WebhookMessageType; endpointIds: number[] }
)

/**
 * Puts an event in the outbox: one message and one pending delivery per
 * subscribed, enabled endpoint, due now. It makes no HTTP call: the
 * dispatcher (dispatch_due_webhooks.ts) sends them from the `webhooks`
 * queue. Returns the message, or null when nobody listens.
 */
export default class RecordWebhookEvent {
  static async handle({ tenantId, type, data, endpointIds, requestId }: WebhookEvent) {
    const endpoints = endpointIds ?? (await subscribedEndpointIds(tenantId, type))
    if (endpoints.length === 0) return null

    const now = DateTime.utc()
    const body = {
      type,
      timestamp: now.toISO(),
      data: typeof data === 'function' ? await data() : data,
    }
    return db.transaction(async (trx) => {
      const message = await WebhookMessage.create(
        {
          id: newMessageId(),
          tenantId,
          type,
          payload: JSON.stringify(body),
          requestId: requestId ?? currentCause()?.requestId ?? null,
          createdAt: now,
        },
        { client: trx }
      )
      await trx.table('webhook_deliveries').multiInsert(
        endpoints.map((endpointId) => ({
          endpoint_id: endpointId,
          message_id: message.id,
          status: 'pending',
          attempts: 0,
          next_attempt_at: sqlTime(now),
          created_at: sqlTime(now),
          updated_at: sqlTime(now),
        }))
      )
      return message
    })
  }
}
