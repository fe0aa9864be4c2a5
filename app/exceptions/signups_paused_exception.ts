import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import { noStore } from '#services/http/no_store'

/**
 * A sign-up that cannot be counted or queued right now (Redis away): the
 * visitor gets a 503 page asking them to try again shortly, not an error
 * page, and nothing of theirs was kept or counted.
 */
export default class SignupsPausedException extends Exception {
  static status = 503
  static code = 'E_SIGNUPS_PAUSED'
  static message = 'Sign-ups are paused for a moment'

  async handle(_error: this, { response, view }: HttpContext) {
    noStore(response)
    response.status(503).header('Retry-After', '30')
    response.send(await view.render('pages/signup_forms/public/paused'))
  }

  /** Logged where it is raised, as a warning: not an error of the app. */
  async report() {}
}
