import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import WebhookDelivery, { type WebhookDeliveryStatus } from '#models/webhook_delivery'
import WebhookEndpoint from '#models/webhook_endpoint'
import DisableWebhookEndpoint from '#actions/webhooks/disable_webhook_endpoint'
import webhooksConfig from '#config/webhooks'
import { postWebhook, type WebhookResponse } from '#services/webhooks/http'
import { signedHeaders } from '#services/webhooks/signing'
import { retryDelay } from '#services/webhooks/retry_schedule'
import { sqlTime } from '#services/database/sql_time'
import { webhookAttemptsTotal } from '#services/observability/metrics'

const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000

export type AttemptResult = WebhookDeliveryStatus | 'not_due'

/**
 * An attempt as `mailings_webhook_attempts_total` counts it, by the
 * delivery's state after it.
 */
const ATTEMPT_RESULTS: Record<WebhookDeliveryStatus, string> = {
  succeeded: 'succeeded',
  pending: 'retrying',
  failed: 'failed',
}

/**
 * Makes one attempt at one due delivery and records it. Idempotent: the
 * delivery is claimed with a conditional update first, so a delivery that
 * succeeded, or that another worker is sending, is not sent again.
 */
export default class DeliverWebhook {
  static async handle(deliveryId: number): Promise<AttemptResult> {
    if (!(await DeliverWebhook.#claim(deliveryId))) return 'not_due'

    const delivery = await WebhookDelivery.query()
      .where('id', deliveryId)
      .preload('message')
      .firstOrFail()
    const endpoint = await WebhookEndpoint.findOrFail(delivery.endpointId)
    if (!endpoint.enabled) {
      await DeliverWebhook.#release(delivery)
      return 'not_due'
    }

    const body = delivery.message.payload
    const response = await postWebhook(
      endpoint.url,
      body,
      signedHeaders(endpoint.secret, delivery.messageId, body)
    )
    const status = await DeliverWebhook.#record(delivery, endpoint, response)
    webhookAttemptsTotal.inc({ result: ATTEMPT_RESULTS[status] })
    DeliverWebhook.#log(delivery, response, status)
    await DeliverWebhook.#disableIfDead(endpoint, response)
    return status
  }

  /**
   * One line per attempt, under the id of the request that caused the
   * event (recorded with it): following a request leads to its webhooks,
   * though the dispatcher queued them under its own tick.
   */
  static #log(delivery: WebhookDelivery, response: WebhookResponse, status: WebhookDeliveryStatus) {
    const line = {
      ...(delivery.message.requestId ? { request_id: delivery.message.requestId } : {}),
      webhook_message_id: delivery.messageId,
      delivery_id: delivery.id,
      endpoint_id: delivery.endpointId,
      attempt: delivery.attempts + 1,
      status_code: response.statusCode,
      outcome: status,
      ...(response.error ? { error: response.error } : {}),
    }
    logger[status === 'failed' ? 'warn' : 'info'](line, 'Webhook attempt')
  }

  /**
   * Takes the delivery for the length of one attempt (a lease): if this
   * worker dies, it becomes due again afterwards.
   */
  static async #claim(deliveryId: number) {
    const now = DateTime.utc()
    const lease = now.plus({ milliseconds: webhooksConfig.timeout + 60_000 })
    const claimed = await db
      .from('webhook_deliveries')
      .where({ id: deliveryId, status: 'pending' })
      .where('next_attempt_at', '<=', sqlTime(now))
      .update({ next_attempt_at: sqlTime(lease), updated_at: sqlTime(now) })
    return Number(claimed) === 1
  }

  static async #release(delivery: WebhookDelivery) {
    await db
      .from('webhook_deliveries')
      .where('id', delivery.id)
      .update({ next_attempt_at: sqlTime() })
  }

  /**
   * Writes the attempt, the delivery's new state and the endpoint's failing
   * streak in one transaction.
   */
  static async #record(
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    response: WebhookResponse
  ) {
    const now = DateTime.utc()
    const attempts = delivery.attempts + 1
    const code = response.statusCode
    const succeeded = code !== null && code >= 200 && code < 300
    const delay = succeeded || code === 410 ? null : nextDelay(attempts, response)
    const status: WebhookDeliveryStatus = succeeded
      ? 'succeeded'
      : delay === null
        ? 'failed'
        : 'pending'
    const nextAttemptAt =
      delay === null ? null : sqlTime(notBefore(now.plus({ milliseconds: delay })))

    await db.transaction(async (trx) => {
      await trx.table('webhook_attempts').insert({
        delivery_id: delivery.id,
        status_code: code,
        duration_ms: response.durationMs,
        response_excerpt: response.excerpt,
        error: response.error ?? (succeeded ? null : `HTTP ${code}`),
        attempted_at: sqlTime(now),
        next_attempt_at: nextAttemptAt,
      })
      await trx
        .from('webhook_deliveries')
        .where('id', delivery.id)
        .update({
          status,
          attempts,
          next_attempt_at: nextAttemptAt,
          last_attempt_at: sqlTime(now),
          updated_at: sqlTime(now),
        })
      const streak = trx.from('webhook_endpoints').where('id', endpoint.id)
      if (succeeded) await streak.whereNotNull('failing_since').update({ failing_since: null })
      else await streak.whereNull('failing_since').update({ failing_since: sqlTime(now) })
    })
    return status
  }

  /**
   * 410 Gone means "stop"; an endpoint that has failed for days is
   * presumed dead. Either way it is disabled and its owner told.
   */
  static async #disableIfDead(endpoint: WebhookEndpoint, response: WebhookResponse) {
    if (response.statusCode === 410) {
      await DisableWebhookEndpoint.handle(
        endpoint,
        'The endpoint answered 410 Gone, which asks us to stop sending.'
      )
      return
    }
    if (response.statusCode !== null && response.statusCode < 300) return

    await endpoint.refresh()
    const limit = DateTime.utc().minus({ days: webhooksConfig.disableAfterDays })
    if (endpoint.failingSince && endpoint.failingSince <= limit) {
      await DisableWebhookEndpoint.handle(
        endpoint,
        `Every attempt has failed since ${endpoint.failingSince.toFormat('yyyy-LL-dd HH:mm')} UTC.`
      )
    }
  }
}

/**
 * When the next attempt is due: what Retry-After asks (bounded to a day),
 * or the retry schedule; null once the schedule is exhausted.
 */
function nextDelay(attemptsMade: number, response: WebhookResponse) {
  const scheduled = retryDelay(attemptsMade + 1)
  if (scheduled === null) return null
  if (response.retryAfterMs === null) return scheduled
  return Math.min(response.retryAfterMs, MAX_RETRY_AFTER_MS)
}

/**
 * Rounds up to the second: SQLite stores whole seconds, and a retry must
 * never come earlier than scheduled.
 */
function notBefore(time: DateTime) {
  return time.millisecond === 0 ? time : time.plus({ seconds: 1 }).startOf('second')
}
