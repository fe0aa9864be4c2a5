import app from '@adonisjs/core/services/app'
import blogConfig from '#config/blog'

const CLIENT_IMPORT_MAX_SIZE = '15 MB'

/**
 * File uploads (multipart/form-data), read by app/middleware/multipart_middleware.ts
 * instead of the body parser's automatic processing, which wrote every file
 * of every route to the system's temp folder before any log-in or CSRF check.
 */
const uploadsConfig = {
  /**
   * Where an upload is written while its request runs. Every file is removed
   * when the request ends, however it ends; a folder of our own (not the
   * system's temp folder) so that this can be checked and swept.
   */
  tmpPath: app.tmpPath('uploads'),

  /**
   * The largest client CSV import (about 200,000 clients with names and
   * comments); public/js/clients.js checks it before the upload too.
   */
  clientImportMaxSize: CLIENT_IMPORT_MAX_SIZE,

  /**
   * The only routes that take files, by route name: the file fields each one
   * takes, with their largest size. They are read only for a logged-in user.
   * A file part sent to any other route (or in another field) is refused
   * with 415 before a byte of it is written; multipart fields without files
   * are still read everywhere (RFC 8058 one-click unsubscribes send them).
   */
  routes: {
    'clients.import.store': { file: CLIENT_IMPORT_MAX_SIZE },
    'admin.posts.store': { cover: blogConfig.coverMaxSize },
    'admin.posts.update': { cover: blogConfig.coverMaxSize },
  } as Record<string, Record<string, string>>,
}

export default uploadsConfig
