import type { HttpContext } from '@adonisjs/core/http'
import VerifyEmail from '#actions/auth/verify_email'
import SendEmailVerification from '#actions/auth/send_email_verification'
import AccountPolicy from '#policies/account_policy'
import { flashMessages } from '#services/http/flash_messages'

export default class EmailVerificationsController {
  async verify({ request, params, response, session, auth, view }: HttpContext) {
    const user = request.hasValidSignature('verify-email')
      ? await VerifyEmail.handle(Number(params.id), String(params.digest))
      : null

    if (!user) {
      response.status(400)
      return view.render('pages/auth/link_invalid', { link: 'email_verification' })
    }

    session.flash('success', flashMessages.account.emailConfirmed)
    return response.redirect().toRoute(auth.user ? 'dashboard' : 'session.create')
  }

  async resend({ auth, bouncer, request, response, session }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)

    if (!user.isVerified) {
      await SendEmailVerification.handle(user, { ip: request.ip() })
      session.flash('success', flashMessages.account.confirmationResent(user.email))
    }
    return response.redirect().back()
  }
}
