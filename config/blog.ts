import { isAbsolute, join } from 'node:path'
import app from '@adonisjs/core/services/app'
import env from '#start/env'

const uploadsPath = env.get('UPLOADS_PATH', 'storage/uploads')

/**
 * The blog, its uploads and the public pages' caches. Every value can be
 * set from the environment.
 */
const blogConfig = {
  /**
   * Where uploaded covers are stored (a folder that outlives deployments),
   * relative to the app root unless absolute.
   */
  uploadsPath: isAbsolute(uploadsPath) ? uploadsPath : join(app.makePath(), uploadsPath),

  /**
   * The largest cover image accepted.
   */
  coverMaxSize: '2mb',

  /**
   * Rendered fragments of the blog and the home page's data kept in the
   * cache (Redis). `PAGE_CACHE=false` renders everything on every request,
   * for debugging and for the benchmark's baseline.
   */
  pageCache: env.get('PAGE_CACHE', true),

  /**
   * How often view counters are moved from Redis into `posts.views_count`.
   */
  viewsFlushInterval: env.get('POST_VIEWS_FLUSH_INTERVAL') ?? 60_000,

  /**
   * How long the home page's numbers are kept. Starting and completing runs
   * clear them at once; creating or archiving a mailing shows within this.
   */
  homeNumbersTtl: '1m',

  /**
   * Upper bound for blog fragments and the random-posts pool: every post
   * change clears them at once, and a scheduled post's time ends them.
   * Bounds how stale an article's view count can be.
   */
  fragmentTtl: '5m',

  /**
   * What browsers and shared caches may keep public pages for (anonymous
   * visitors only).
   */
  publicMaxAge: 60,
}

export default blogConfig
