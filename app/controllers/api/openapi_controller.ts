import type { HttpContext } from '@adonisjs/core/http'
import { openApiDocument } from '#api/openapi/document'

export default class OpenApiController {
  /**
   * The OpenAPI document, public: the reference page and client generators
   * read it without a token.
   */
  async show({ response }: HttpContext) {
    response.header('Cache-Control', 'public, max-age=300')
    return openApiDocument()
  }
}
