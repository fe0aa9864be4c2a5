import type { HttpContext } from '@adonisjs/core/http'
import { errors as authErrors } from '@adonisjs/auth'
import LogIn, { AccountBlockedError, LoginThrottledError } from '#actions/auth/log_in'
import { logInValidator } from '#validators/auth'
import { loginDevices } from '#services/accounts/login_devices'
import { flashMessages } from '#services/flash_messages'

export default class SessionsController {
  async create({ view }: HttpContext) {
    return view.render('pages/auth/log_in')
  }

  async store({ request, response, auth, session }: HttpContext) {
    const { email, password, rememberMe } = await request.validateUsing(logInValidator)

    try {
      const deviceToken = loginDevices.tokenFor(request, email)
      const user = await LogIn.handle({ email, password, ip: request.ip(), deviceToken })
      await auth.use('web').login(user, !!rememberMe)
      loginDevices.remember({ request, response }, user.email)
    } catch (error) {
      const known =
        error instanceof LoginThrottledError ||
        error instanceof AccountBlockedError ||
        error instanceof authErrors.E_INVALID_CREDENTIALS
      if (!known) throw error

      session.flashOnly(['email'])
      session.flash(
        'error',
        error instanceof authErrors.E_INVALID_CREDENTIALS
          ? flashMessages.account.wrongCredentials
          : error.message
      )
      if (error instanceof LoginThrottledError) {
        response.header('Retry-After', String(error.retryAfterSeconds))
      }
      return response.redirect().toRoute('session.create')
    }

    return response.redirect().toRoute('dashboard')
  }

  async destroy({ response, auth, session }: HttpContext) {
    await auth.use('web').logout()
    session.flash('success', flashMessages.account.loggedOut)
    return response.redirect().toRoute('home')
  }
}
