import type { HttpContext } from '@adonisjs/core/http'
import SignUp, { SignUpThrottledError } from '#actions/auth/sign_up'
import { signUpValidator } from '#validators/auth'

export default class SignUpController {
  async create({ view }: HttpContext) {
    return view.render('pages/auth/sign_up')
  }

  /**
   * The same page whether the address was new or already had an account
   * (see SignUp): the new user logs in once they have their email.
   */
  async store({ request, response, session, view }: HttpContext) {
    const data = await request.validateUsing(signUpValidator)
    try {
      await SignUp.handle(data, { ip: request.ip() })
    } catch (error) {
      if (!(error instanceof SignUpThrottledError)) throw error
      session.flashExcept(['password', 'passwordConfirmation'])
      session.flash('error', error.message)
      response.header('Retry-After', String(error.retryAfterSeconds))
      return response.redirect().toRoute('sign_up.create')
    }
    return view.render('pages/auth/check_inbox', { email: data.email })
  }
}
