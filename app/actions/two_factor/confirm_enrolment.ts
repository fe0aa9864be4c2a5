import type { HttpContext } from '@adonisjs/core/http'
import EndSessions from '#actions/auth/end_sessions'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { matchingTimeStep, openSecret } from '#two_factor/totp'
import ReplaceRecoveryCodes from '#actions/two_factor/replace_recovery_codes'

/**
 * The user types a code from their app to prove it holds the new secret:
 * two-factor log-in is on and they get their recovery codes (returned in
 * clear, to be shown once). Null for a wrong code or no set-up under way.
 *
 * Every other session and "remember me" token of the account ends: one
 * opened before (a copied cookie, an old laptop) would otherwise stay in
 * without ever giving a code. The asking browser stays.
 */
export default class ConfirmEnrolment {
  static async handle(user: User, code: string, asking?: HttpContext) {
    const secret = openSecret(user.twoFactorSecret)
    if (!secret || user.hasTwoFactor) return null
    const timeStep = await matchingTimeStep(secret, code, null)
    if (timeStep === null) return null

    const codes = await db.transaction(async (trx) => {
      user.useTransaction(trx)
      user.twoFactorEnabledAt = DateTime.now()
      // The code just typed cannot log in again.
      user.twoFactorLastTimeStep = timeStep
      await user.save()
      return ReplaceRecoveryCodes.handle(user, trx)
    })
    await EndSessions.handle(user, { keep: asking })
    return codes
  }
}
