import cache from '@adonisjs/cache/services/main'
import WebhookEndpoint, { type WebhookEventType } from '#models/webhook_endpoint'

type Subscription = { id: number; events: WebhookEventType[] }

const key = (tenantId: number) => `webhook-subscriptions:${tenantId}`

/**
 * The ids of a workspace's enabled endpoints that want `type`. Cached (memory
 * in front of Redis, cleared across processes by the cache bus) because it
 * is asked once per sent message, and nearly always answers "none".
 */
export async function subscribedEndpointIds(tenantId: number, type: WebhookEventType) {
  const subscriptions = await cache.getOrSet({
    key: key(tenantId),
    ttl: '10m',
    factory: async (): Promise<Subscription[]> => {
      const endpoints = await WebhookEndpoint.query()
        .where('tenant_id', tenantId)
        .where('enabled', true)
        .select('id', 'events')
      return endpoints.map(({ id, events }) => ({ id, events }))
    },
  })
  return subscriptions.filter(({ events }) => events.includes(type)).map(({ id }) => id)
}

/**
 * Called whenever a workspace's endpoints change (saved, disabled, deleted).
 */
export async function forgetSubscriptions(tenantId: number) {
  await cache.delete({ key: key(tenantId) })
}
