import cache from '@adonisjs/cache/services/main'

/**
 * Opens the cache's store at process start rather than at its first use.
 * The store's bus subscribes to Redis when the store is made, and
 * bentocache leaves that subscription's promise unhandled: a web process
 * that first used the cache while Redis was away (an unsubscribe, a
 * dashboard) died of the unhandled rejection some 40 s later, with every
 * request it was serving. Made at start, the subscription is in place
 * before any outage, and ioredis renews it after one.
 */
export function openCache() {
  cache.use()
}
