import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import AccountPolicy from '#policies/account_policy'
import StartEnrolment from '#actions/two_factor/start_enrolment'
import ConfirmEnrolment from '#actions/two_factor/confirm_enrolment'
import CheckSecondFactor from '#actions/two_factor/check_second_factor'
import DisableTwoFactor from '#actions/two_factor/disable_two_factor'
import ReplaceRecoveryCodes from '#actions/two_factor/replace_recovery_codes'
import ForgetTrustedDevice from '#actions/two_factor/forget_trusted_device'
import ListTrustedDevices from '#actions/two_factor/list_trusted_devices'
import {
  startEnrolmentValidator,
  confirmEnrolmentValidator,
  disableTwoFactorValidator,
  regenerateRecoveryCodesValidator,
} from '#validators/two_factor'
import { enrolmentQrCode, openSecret, readableSecret } from '#two_factor/totp'
import { recoveryCodesText } from '#two_factor/recovery_codes'
import { SecondFactorThrottledError } from '#two_factor/attempts'
import { flashMessages } from '#services/http/flash_messages'
import { describeDevice } from '#services/accounts/device_names'

/**
 * Settings → Security: two-factor log-in (set up, turn off, recovery
 * codes) and the devices remembered for it. The person's own account, so
 * open in any workspace, also one that requires two-factor log-in of its
 * members (app/two_factor/workspace_requirement.ts).
 */
export default class SecurityController {
  async show({ view, auth, bouncer, session }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)

    const pendingSecret = user.hasTwoFactor ? null : openSecret(user.twoFactorSecret)
    // Flashed by the request that made them: on this one page view only.
    const freshCodes = session.flashMessages.get('recoveryCodes') as string[] | undefined
    const devices = await ListTrustedDevices.handle(user)
    return view.render('pages/settings/security', {
      enrolment: pendingSecret && {
        qrCode: await enrolmentQrCode(pendingSecret, user.email),
        secret: readableSecret(pendingSecret),
      },
      freshCodes,
      freshCodesFile:
        freshCodes &&
        `data:text/plain;charset=utf-8,${encodeURIComponent(recoveryCodesText(user.email, freshCodes))}`,
      recoveryCodesLeft: user.hasTwoFactor ? await CheckSecondFactor.recoveryCodesLeft(user) : 0,
      devices: devices.map((device) => ({
        id: device.id,
        name: describeDevice(device.userAgent ?? undefined),
        ip: device.ip,
        expiresAt: device.expiresAt,
      })),
    })
  }

  async start({ request, response, auth, bouncer, session }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    await request.validateUsing(startEnrolmentValidator, { meta: { passwordHash: user.password } })
    if (user.hasTwoFactor) session.flash('error', flashMessages.twoFactor.alreadyEnabled)
    else if (!user.isVerified) session.flash('error', flashMessages.twoFactor.unverified)
    else await StartEnrolment.handle(user)
    return response.redirect().toRoute('settings.security.show')
  }

  async confirm(ctx: HttpContext) {
    const { request, response, auth, bouncer, session } = ctx
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    const { code } = await request.validateUsing(confirmEnrolmentValidator)
    if (user.hasTwoFactor || !user.twoFactorSecret) {
      session.flash(
        'error',
        user.hasTwoFactor
          ? flashMessages.twoFactor.alreadyEnabled
          : flashMessages.twoFactor.notStarted
      )
      return response.redirect().toRoute('settings.security.show')
    }

    const codes = await ConfirmEnrolment.handle(user, code, ctx)
    if (!codes) throw codeError(flashMessages.twoFactor.wrongCode)

    session.flash('recoveryCodes', codes)
    session.flash('success', flashMessages.twoFactor.enabled)
    return response.redirect().toRoute('settings.security.show')
  }

  async destroy({ request, response, auth, bouncer, session }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    const { code } = await request.validateUsing(disableTwoFactorValidator, {
      meta: { passwordHash: user.password },
    })
    if (!user.hasTwoFactor) return response.redirect().toRoute('settings.security.show')

    await checkSecondFactor(user, code)
    await DisableTwoFactor.handle(user)
    session.flash('success', flashMessages.twoFactor.disabled)
    return response.redirect().toRoute('settings.security.show')
  }

  async regenerateRecoveryCodes({ request, response, auth, bouncer, session }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    await request.validateUsing(regenerateRecoveryCodesValidator, {
      meta: { passwordHash: user.password },
    })
    if (!user.hasTwoFactor) return response.redirect().toRoute('settings.security.show')

    const codes = await ReplaceRecoveryCodes.handle(user)
    session.flash('recoveryCodes', codes)
    session.flash('success', flashMessages.twoFactor.codesRegenerated)
    return response.redirect().toRoute('settings.security.show')
  }

  async destroyDevice({ params, response, auth, bouncer, session }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    await ForgetTrustedDevice.handle(user, params.id)
    session.flash('success', flashMessages.twoFactor.deviceForgotten)
    return response.redirect().toRoute('settings.security.show')
  }
}

function codeError(message: string) {
  return new vineErrors.E_VALIDATION_ERROR([{ field: 'code', message, rule: 'twoFactorCode' }])
}

/** A wrong or throttled code is answered beside the code field. */
async function checkSecondFactor(
  user: Parameters<typeof CheckSecondFactor.handle>[0],
  code: string
) {
  try {
    if (await CheckSecondFactor.handle(user, code)) return
  } catch (error) {
    if (error instanceof SecondFactorThrottledError) throw codeError(error.message)
    throw error
  }
  throw codeError(flashMessages.twoFactor.wrongCode)
}
