import type { HttpContext } from '@adonisjs/core/http'
import SignUp from '#actions/auth/sign_up'
import { signUpValidator } from '#validators/auth'

export default class SignUpController {
  async create({ view }: HttpContext) {
    return view.render('pages/auth/sign_up')
  }

  async store({ request, response, auth, session }: HttpContext) {
    const data = await request.validateUsing(signUpValidator)
    const user = await SignUp.handle(data)

    await auth.use('web').login(user)
    session.flash('success', `Welcome to Mailings! We sent a confirmation link to ${user.email}.`)
    return response.redirect().toRoute('dashboard')
  }
}
