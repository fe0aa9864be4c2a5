import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import webhooksConfig from '#config/webhooks'
import { sqlTime } from '#services/database/sql_time'

/**
 * Forgets webhook messages older than the retention period once none of
 * their deliveries is still pending; their deliveries and attempts go with
 * them (foreign-key cascade). Deletes in slices so a large backlog never
 * holds a long lock. Returns how many messages were deleted.
 */
export default class PruneWebhookMessages {
  static async handle({ olderThanDays = webhooksConfig.retentionDays, slice = 1000 } = {}) {
    const cutoff = sqlTime(DateTime.utc().minus({ days: olderThanDays }))
    let deleted = 0
    for (;;) {
      const ids = await db
        .from('webhook_messages')
        .where('created_at', '<', cutoff)
        .whereNotExists((query) =>
          query
            .from('webhook_deliveries')
            .whereColumn('webhook_deliveries.message_id', 'webhook_messages.id')
            .where('webhook_deliveries.status', 'pending')
        )
        .limit(slice)
        .select('id')
      if (ids.length === 0) return deleted

      await db
        .from('webhook_messages')
        .whereIn(
          'id',
          ids.map((row) => row.id)
        )
        .delete()
      deleted += ids.length
    }
  }
}
