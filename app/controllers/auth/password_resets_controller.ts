import type { HttpContext } from '@adonisjs/core/http'
import RequestPasswordReset from '#actions/auth/request_password_reset'
import ResetPassword from '#actions/auth/reset_password'
import FindPasswordReset from '#actions/auth/find_password_reset'
import { forgotPasswordValidator, resetPasswordValidator } from '#validators/auth'
import { loginDevices } from '#services/accounts/login_devices'
import { flashMessages } from '#services/http/flash_messages'

export default class PasswordResetsController {
  async create({ view }: HttpContext) {
    return view.render('pages/auth/forgot_password')
  }

  async store({ request, response, session }: HttpContext) {
    const { email } = await request.validateUsing(forgotPasswordValidator)
    await RequestPasswordReset.handle(email, { ip: request.ip() })

    session.flash('success', flashMessages.account.resetRequested(email))
    return response.redirect().toRoute('password_reset.create')
  }

  async edit({ request, params, view, response }: HttpContext) {
    const usable =
      request.hasValidSignature('reset-password') && (await FindPasswordReset.handle(params.token))
    if (!usable) {
      response.status(400)
      return view.render('pages/auth/link_invalid', { link: 'password_reset' })
    }
    return view.render('pages/auth/reset_password', { action: request.url(true) })
  }

  async update({ request, params, response, session, view }: HttpContext) {
    if (!request.hasValidSignature('reset-password')) {
      response.status(400)
      return view.render('pages/auth/link_invalid', { link: 'password_reset' })
    }

    const { password } = await request.validateUsing(resetPasswordValidator)
    const user = await ResetPassword.handle(params.token, password)
    if (!user) {
      response.status(400)
      return view.render('pages/auth/link_invalid', { link: 'password_reset' })
    }
    // Whoever opened the mailed link owns the address: this browser is the
    // owner's, and passes a lock strangers put on the email.
    loginDevices.remember({ request, response }, user.email)

    session.flash('success', flashMessages.account.passwordReset)
    return response.redirect().toRoute('session.create')
  }
}
