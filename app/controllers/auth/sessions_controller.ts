import type { HttpContext } from '@adonisjs/core/http'
import { errors as authErrors } from '@adonisjs/auth'
import LogIn, { AccountBlockedError, LoginThrottledError } from '#actions/auth/log_in'
import { logInValidator } from '#validators/auth'
import { loginDevices } from '#services/accounts/login_devices'
import { flashMessages } from '#services/http/flash_messages'
import { pendingLogin } from '#two_factor/pending_login'
import { trustedDevices } from '#two_factor/trusted_devices'

export default class SessionsController {
  async create({ view }: HttpContext) {
    return view.render('pages/auth/log_in')
  }

  async store({ request, response, auth, session }: HttpContext) {
    const { email, password, rememberMe } = await request.validateUsing(logInValidator)

    try {
      const deviceToken = loginDevices.tokenFor(request, email)
      const user = await LogIn.handle({ email, password, ip: request.ip(), deviceToken })
      // With two-factor on, the password alone logs in only on a device the
      // user chose to remember; elsewhere the code comes first.
      if (user.hasTwoFactor && !(await trustedDevices.recognises({ request }, user))) {
        pendingLogin.start(session, user, !!rememberMe)
        return response.redirect().toRoute('session.two_factor.create')
      }
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
