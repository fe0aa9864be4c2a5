import { defineConfig, store, drivers } from '@adonisjs/cache'
import { patientRedisBus } from '#services/cache/redis_bus'

/**
 * One store: an in-process memory layer in front of Redis, with the Redis bus
 * so that a deletion in one web process clears the memory layer of the others
 * (its subscription waits out a Redis outage: app/services/cache/redis_bus.ts).
 */
const cacheConfig = defineConfig({
  default: 'default',

  stores: {
    default: store()
      .useL1Layer(drivers.memory({ maxSize: '50mb' }))
      .useL2Layer(drivers.redis({ connectionName: 'main' }))
      .useBus(patientRedisBus({ connectionName: 'main' })),
  },
})

export default cacheConfig

declare module '@adonisjs/cache/types' {
  interface CacheStores extends InferStores<typeof cacheConfig> {}
}
