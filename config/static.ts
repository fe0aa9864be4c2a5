import { defineConfig } from '@adonisjs/static'

/**
 * Assets are linked with a version in their query string (see
 * start/view.ts), so browsers may keep them for a year.
 */
const staticServerConfig = defineConfig({
  enabled: true,
  etag: true,
  lastModified: true,
  dotFiles: 'ignore',
  maxAge: '1y',
  immutable: true,
})

export default staticServerConfig
