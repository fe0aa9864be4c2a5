import { setTimeout as sleep } from 'node:timers/promises'
import db from '@adonisjs/lucid/services/db'
import DeliverWebhook from '#actions/webhooks/deliver_webhook'
import webhooksConfig from '#config/webhooks'
import { sqlTime } from '#services/database/sql_time'

/**
 * Sends one endpoint's due deliveries, oldest first: at most `batchSize`
 * per call and `ratePerEndpoint` per second, so a burst of events becomes a
 * steady stream and one slow receiver holds one worker slot at most.
 * Whatever is left is picked up by the dispatcher's next tick.
 */
export default class DrainWebhookEndpoint {
  static async handle(endpointId: number) {
    const due = await db
      .from('webhook_deliveries')
      .where({ endpoint_id: endpointId, status: 'pending' })
      .where('next_attempt_at', '<=', sqlTime())
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(webhooksConfig.batchSize)
      .select('id')

    const spacing = 1000 / webhooksConfig.ratePerEndpoint
    let previous = 0
    for (const { id } of due) {
      const wait = previous + spacing - Date.now()
      if (wait > 0) await sleep(wait)
      previous = Date.now()

      if (!(await DrainWebhookEndpoint.#enabled(endpointId))) return
      await DeliverWebhook.handle(id)
    }
  }

  static async #enabled(endpointId: number) {
    const row = await db.from('webhook_endpoints').where('id', endpointId).select('enabled').first()
    return Boolean(row?.enabled)
  }
}
