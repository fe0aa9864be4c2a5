import cache from '@adonisjs/cache/services/main'
import WebhookEndpoint, { type WebhookEventType } from '#models/webhook_endpoint'

type Subscription = { id: number; events: WebhookEventType[] }

const key = (tenantId: number) => `webhook-subscriptions:${tenantId}`

/**
 * The ids of a workspace's enabled endpoints that want `type`. Cached (memory
 * in front of Redis, cleared across processes by the cache bus) because it
 * is asked once per sent message, and nearly always answers "none".
 *
 * `fresh` reads the database instead, for rare events that must not wait
 * on Redis: while Redis is away, a cache read waits out its reconnects
 * (tens of seconds), and an unsubscribe is answered to a mail program that
 * will not wait that long.
 */
export async function subscribedEndpointIds(
  tenantId: number,
  type: WebhookEventType,
  { fresh = false } = {}
) {
  const subscriptions = fresh
    ? await readSubscriptions(tenantId)
    : await cache.getOrSet({
        key: key(tenantId),
        ttl: '10m',
        factory: () => readSubscriptions(tenantId),
      })
  return subscriptions.filter(({ events }) => events.includes(type)).map(({ id }) => id)
}

async function readSubscriptions(tenantId: number): Promise<Subscription[]> {
  const endpoints = await WebhookEndpoint.query()
    .where('tenant_id', tenantId)
    .where('enabled', true)
    .select('id', 'events')
  return endpoints.map(({ id, events }) => ({ id, events }))
}

/**
 * Called whenever a workspace's endpoints change (saved, disabled, deleted).
 */
export async function forgetSubscriptions(tenantId: number) {
  await cache.delete({ key: key(tenantId) })
}
