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
      retryStrategy(times) {
        return times > 10 ? null : times * 50
      },
    },
  },
})

export default redisConfig

declare module '@adonisjs/redis/types' {
  export interface RedisConnections extends InferConnections<typeof redisConfig> {}
}
