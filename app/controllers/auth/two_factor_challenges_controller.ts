import type { HttpContext } from '@adonisjs/core/http'
import CheckSecondFactor from '#actions/two_factor/check_second_factor'
import { twoFactorChallengeValidator } from '#validators/two_factor'
import { pendingLogin } from '#two_factor/pending_login'
import { trustedDevices } from '#two_factor/trusted_devices'
import { SecondFactorThrottledError } from '#two_factor/attempts'
import { flashMessages } from '#services/http/flash_messages'
import { loginDevices } from '#services/accounts/login_devices'

/**
 * The second step of a log-in with two-factor on: the password was right
 * (SessionsController), now the code from the app or a recovery code.
 */
export default class TwoFactorChallengesController {
  async create({ view, session, response }: HttpContext) {
    if (!(await pendingLogin.find(session))) {
      session.flash('error', flashMessages.twoFactor.loginExpired)
      return response.redirect().toRoute('session.create')
    }
    return view.render('pages/auth/two_factor')
  }

  async store(ctx: HttpContext) {
    const { request, response, session, auth } = ctx
    const pending = await pendingLogin.find(session)
    if (!pending) {
      session.flash('error', flashMessages.twoFactor.loginExpired)
      return response.redirect().toRoute('session.create')
    }
    const { code, rememberDevice } = await request.validateUsing(twoFactorChallengeValidator)
    const { user, rememberMe } = pending

    let used: Awaited<ReturnType<typeof CheckSecondFactor.handle>>
    try {
      used = await CheckSecondFactor.handle(user, code)
    } catch (error) {
      if (!(error instanceof SecondFactorThrottledError)) throw error
      response.header('Retry-After', String(error.retryAfterSeconds))
      session.flash('error', error.message)
      return response.redirect().toRoute('session.two_factor.create')
    }
    if (!used) {
      session.flash('error', flashMessages.twoFactor.wrongCode)
      return response.redirect().toRoute('session.two_factor.create')
    }

    pendingLogin.clear(session)
    await auth.use('web').login(user, rememberMe)
    loginDevices.remember(ctx, user.email)
    if (rememberDevice) await trustedDevices.remember(ctx, user)
    if (used === 'recovery_code') {
      session.flash(
        'success',
        flashMessages.twoFactor.usedRecoveryCode(await CheckSecondFactor.recoveryCodesLeft(user))
      )
    }
    return response.redirect().toRoute('dashboard')
  }
}
