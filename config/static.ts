import { defineConfig } from '@adonisjs/static'

/**
 * Pages link assets with a version in their query string (see asset() in
 * start/view.ts); those URLs are cached for a year, immutable, by
 * app/middleware/versioned_assets_middleware.ts. A file asked for without a
 * version (a bookmarked favicon, say) may be kept an hour, then revalidated
 * with its ETag.
 */
const staticServerConfig = defineConfig({
  enabled: true,
  etag: true,
  lastModified: true,
  dotFiles: 'ignore',
  maxAge: '1h',
  immutable: false,
})

export default staticServerConfig
