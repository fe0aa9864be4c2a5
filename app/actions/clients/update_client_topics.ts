import emitter from '@adonisjs/core/services/emitter'
import type Client from '#models/client'
import { addTagsToClients, removeTagsFromClients } from '#audiences/client_tags'
import { chosenTopicIds, topicsOf } from '#audiences/preferences'
import { sqlTime } from '#services/database/sql_time'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * A client chooses their topics on the preference page: `chosen` is the
 * whole choice (the ticked boxes). Only the workspace's topics are touched:
 * the client's other tags are the workspace's own labels, and an id that is
 * not one of its topics (another tag, another workspace's, a topic unmarked
 * since the page was shown) is ignored, never added nor removed.
 *
 * The subscription state does not change: an unsubscribed client who saves
 * topics stays unsubscribed until they press Resubscribe (ResubscribeClient).
 *
 * Announces `client:updated` with the names taken on and off, when any.
 */
export default class UpdateClientTopics {
  static async handle(client: Client, chosen: number[]) {
    const changes = await writeTransaction(async (trx) => {
      const topics = await topicsOf(client.tenantId, trx)
      const wanted = new Set(chosen)
      const held = await chosenTopicIds(
        client.id,
        topics.map((topic) => topic.id),
        trx
      )
      const added = topics.filter((topic) => wanted.has(topic.id) && !held.has(topic.id))
      const removed = topics.filter((topic) => !wanted.has(topic.id) && held.has(topic.id))
      if (added.length === 0 && removed.length === 0) return null

      await addTagsToClients(
        added.map((topic) => topic.id),
        [client.id],
        trx
      )
      await removeTagsFromClients(
        removed.map((topic) => topic.id),
        [client.id],
        trx
      )
      // The client changed (API readers sync on updated_at).
      await trx
        .from('clients')
        .where({ id: client.id, tenant_id: client.tenantId })
        .update({ updated_at: sqlTime() })
      return {
        added: added.map((topic) => topic.name),
        removed: removed.map((topic) => topic.name),
      }
    })

    if (changes) {
      await client.refresh()
      await emitter.emit('client:updated', {
        client,
        changes: { tags: changes },
        source: 'preference_page',
      })
    }
    return changes ?? { added: [], removed: [] }
  }
}
