import env from '#start/env'
import { defineConfig } from '@adonisjs/redis'
import type { InferConnections } from '@adonisjs/redis/types'

/**
 * The one place Redis is configured: sessions, rate limits and the queue
 * (config/queue.ts) all read these settings.
 */
export const redisConnection = {
  host: env.get('REDIS_HOST'),
  port: env.get('REDIS_PORT'),
  password: env.get('REDIS_PASSWORD'),
  db: env.get('REDIS_DB', 0),
}

const redisConfig = defineConfig({
  connection: 'main',

  connections: {
    main: {
      ...redisConnection,
      keyPrefix: '',
      /**
       * Reconnect for as long as Redis is away, at most 2 s apart. Giving up
       * (the old `null` after ten tries, ~3 s) closed the connection for
       * good: @adonisjs/redis opens a new one on the next use, but the API's
       * rate limiters keep the one they were made with, so every API call
       * answered 500 until the process restarted (the fleet test's
       * redis-outage; tests/functional/server/redis_outage.spec.ts).
       */
      retryStrategy(times) {
        return Math.min(times * 50, 2000)
      },
    },
  },
})

export default redisConfig

declare module '@adonisjs/redis/types' {
  export interface RedisConnections extends InferConnections<typeof redisConfig> {}
}
