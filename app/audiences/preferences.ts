import type { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import Tag from '#models/tag'
import Suppression, { type SuppressionReason } from '#models/suppression'
import type Client from '#models/client'
import type Tenant from '#models/tenant'

/**
 * What the preference page (the link in every message) knows: the
 * workspace's topics (tags marked `is_topic`, which clients choose for
 * themselves) and whether the client may be mailed. Read by the page and by
 * the actions that save it, so both agree on what a topic is.
 */

export interface Topic {
  id: number
  name: string
  description: string | null
}

/**
 * The workspace's topics, by name. A workspace has at most
 * MAX_TAGS_PER_WORKSPACE tags, so this is a short list read through the
 * tenant index.
 */
export async function topicsOf(
  tenantId: number,
  client: QueryClientContract = db.connection()
): Promise<Topic[]> {
  const tags = await Tag.query({ client })
    .where('tenant_id', tenantId)
    .where('is_topic', true)
    .orderBy('name_key')
    .select('id', 'name', 'description')
  return tags.map(({ id, name, description }) => ({ id, name, description }))
}

/**
 * Which of these topics the client has (the (client_id, tag_id) index).
 */
export async function chosenTopicIds(
  clientId: number,
  topicIds: number[],
  client: QueryClientContract = db.connection()
): Promise<Set<number>> {
  if (topicIds.length === 0) return new Set()
  const rows = await client
    .from('client_tags')
    .where('client_id', clientId)
    .whereIn('tag_id', topicIds)
    .select('tag_id')
  return new Set(rows.map((row) => Number(row.tag_id)))
}

/**
 * The client's standing as the recipient sees it.
 *
 * - `unsubscribed`: they clicked an unsubscribe link, or their address is
 *   on the suppression list as `unsubscribed` (a client deleted and
 *   imported again after unsubscribing has no date of their own but is
 *   still not mailed: they are shown as unsubscribed, and may come back).
 * - `canResubscribe`: only when nothing but their own choice stops the
 *   mail. A hard bounce, a complaint or a manual entry is the workspace's
 *   (or the mailbox's) decision, which a link in an old message must not
 *   undo: the recipient is told to ask the sender instead.
 * - `mailStopped`: the address is suppressed for another reason than an
 *   unsubscribe, whatever the client's own choice.
 */
export interface Subscription {
  unsubscribed: boolean
  unsubscribedAt: DateTime | null
  canResubscribe: boolean
  mailStopped: boolean
}

export async function subscriptionOf(client: Client): Promise<Subscription> {
  const entry = await Suppression.query()
    .where('tenant_id', client.tenantId)
    .where('email', client.email)
    .select('reason', 'created_at')
    .first()
  const byChoice = isOwnChoice(entry?.reason)
  const unsubscribed = client.unsubscribedAt !== null || entry?.reason === 'unsubscribed'
  return {
    unsubscribed,
    unsubscribedAt: client.unsubscribedAt ?? (unsubscribed ? entry!.createdAt : null),
    canResubscribe: unsubscribed && byChoice,
    mailStopped: !byChoice,
  }
}

/**
 * Nothing, or the recipient's own unsubscribe: what a recipient may lift.
 */
function isOwnChoice(reason: SuppressionReason | undefined) {
  return reason === undefined || reason === 'unsubscribed'
}

/**
 * The words beside the Resubscribe button, kept word for word with the
 * consent it records.
 */
export function resubscribeConsentText(workspaceName: string) {
  return `I want to receive mailings from ${workspaceName} at this address again.`
}

/**
 * Everything the page shows: the topics with the client's choices, and
 * their standing. Three short queries, none depending on the workspace's
 * number of clients.
 */
export async function preferencePageOf(tenant: Tenant, client: Client) {
  const topics = await topicsOf(tenant.id)
  const [chosen, subscription] = await Promise.all([
    chosenTopicIds(
      client.id,
      topics.map((topic) => topic.id)
    ),
    subscriptionOf(client),
  ])
  return {
    topics: topics.map((topic) => ({ ...topic, chosen: chosen.has(topic.id) })),
    subscription,
    consentText: resubscribeConsentText(tenant.name),
  }
}
