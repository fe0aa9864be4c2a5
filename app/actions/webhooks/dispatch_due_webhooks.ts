import db from '@adonisjs/lucid/services/db'
import { dispatch } from '#services/queue/dispatch'
import type { WorkCause } from '#services/queue/work_context'
import DeliverWebhooksJob from '#jobs/deliver_webhooks_job'
import webhooksConfig from '#config/webhooks'
import { sqlTime } from '#services/database/sql_time'

/**
 * The dispatcher's tick: one drain job per enabled endpoint with due
 * deliveries. The job id is the endpoint's, so BullMQ keeps at most one
 * waiting or running per endpoint however many events arrive; a burst of
 * 100,000 deliveries is a handful of jobs, never 100,000.
 */
export default class DispatchDueWebhooks {
  static async handle(cause?: WorkCause) {
    const endpoints = await db
      .from('webhook_deliveries')
      .join('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
      .where('webhook_deliveries.status', 'pending')
      .where('webhook_deliveries.next_attempt_at', '<=', sqlTime())
      .where('webhook_endpoints.enabled', true)
      .distinct('webhook_deliveries.endpoint_id')
      .limit(1000)

    for (const { endpoint_id: endpointId } of endpoints) {
      await dispatch(
        DeliverWebhooksJob,
        { endpointId, cause },
        {
          queueName: webhooksConfig.queue,
          jobId: `endpoint-${endpointId}`,
          removeOnComplete: true,
          removeOnFail: true,
        }
      )
    }
    return endpoints.length
  }
}
