import type { HttpContext } from '@adonisjs/core/http'
import { PROBLEM_TYPES } from '#api/problem'

/**
 * The API's reference pages, public like the document they render.
 */
export default class ApiDocsController {
  /**
   * The reference, rendered in the browser from /api/v1/openapi.json by
   * the vendored Scalar viewer.
   */
  async show({ view }: HttpContext) {
    return view.render('pages/docs/api')
  }

  /**
   * What each problem `type` URI means: the page those URIs point at.
   */
  async errors({ view }: HttpContext) {
    return view.render('pages/docs/api_errors', { problems: PROBLEM_TYPES })
  }
}
