import type { HttpContext } from '@adonisjs/core/http'
import RequestPasswordReset from '#actions/auth/request_password_reset'
import ResetPassword, { findUsableResetToken } from '#actions/auth/reset_password'
import { forgotPasswordValidator, resetPasswordValidator } from '#validators/auth'
import { loginDevices } from '#services/accounts/login_devices'

const invalidLink = {
  title: 'This password reset link has expired or was already used',
  hint: 'Ask for a new link: they work once, for one hour.',
}

export default class PasswordResetsController {
  async create({ view }: HttpContext) {
    return view.render('pages/auth/forgot_password')
  }

  async store({ request, response, session }: HttpContext) {
    const { email } = await request.validateUsing(forgotPasswordValidator)
    await RequestPasswordReset.handle(email, { ip: request.ip() })

    session.flash(
      'success',
      `If an account uses ${email}, a reset link is on its way. It works once, for one hour. ` +
        `(We send only a few an hour to one address: if none arrives, try again later.)`
    )
    return response.redirect().toRoute('password_reset.create')
  }

  async edit({ request, params, view, response }: HttpContext) {
    const usable =
      request.hasValidSignature('reset-password') && (await findUsableResetToken(params.token))
    if (!usable) {
      response.status(400)
      return view.render('pages/auth/link_invalid', invalidLink)
    }
    return view.render('pages/auth/reset_password', { action: request.url(true) })
  }

  async update({ request, params, response, session, view }: HttpContext) {
    if (!request.hasValidSignature('reset-password')) {
      response.status(400)
      return view.render('pages/auth/link_invalid', invalidLink)
    }

    const { password } = await request.validateUsing(resetPasswordValidator)
    const user = await ResetPassword.handle(params.token, password)
    if (!user) {
      response.status(400)
      return view.render('pages/auth/link_invalid', invalidLink)
    }
    // Whoever opened the mailed link owns the address: this browser is the
    // owner's, and passes a lock strangers put on the email.
    loginDevices.remember({ request, response }, user.email)

    session.flash('success', 'Your password has been changed. You can log in with it now.')
    return response.redirect().toRoute('session.create')
  }
}
