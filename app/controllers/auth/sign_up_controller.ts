import type { HttpContext } from '@adonisjs/core/http'
import SignUp from '#actions/auth/sign_up'
import { signUpValidator } from '#validators/auth'

export default class SignUpController {
  async create({ view }: HttpContext) {
    return view.render('pages/auth/sign_up')
  }

  /**
   * The same page whether the address was new or already had an account
   * (see SignUp): the new user logs in once they have their email.
   */
  async store({ request, view }: HttpContext) {
    const data = await request.validateUsing(signUpValidator)
    await SignUp.handle(data, { ip: request.ip() })
    return view.render('pages/auth/check_inbox', { email: data.email })
  }
}
