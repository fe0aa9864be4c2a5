import type { HttpContext } from '@adonisjs/core/http'
import { coverPath } from '#services/blog/covers'

/**
 * Uploaded files. A cover's name is random and never reused, so browsers
 * and shared caches may keep it for a year without asking again.
 */
export default class UploadsController {
  async cover({ params, response }: HttpContext) {
    response.header('Cache-Control', 'public, max-age=31536000, immutable')
    // Served as what its content was checked to be; never sniffed as HTML.
    response.header('X-Content-Type-Options', 'nosniff')
    return response.download(coverPath(params.name), true)
  }
}
