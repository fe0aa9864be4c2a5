import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { trustedDevices } from '#two_factor/trusted_devices'

/**
 * The user turns two-factor log-in off (the controller checked their
 * password and a code): the secret, the recovery codes and the remembered
 * devices go, in one transaction.
 */
export default class DisableTwoFactor {
  static async handle(user: User) {
    await db.transaction(async (trx) => {
      user.useTransaction(trx)
      user.merge({ twoFactorSecret: null, twoFactorEnabledAt: null, twoFactorLastTimeStep: null })
      await user.save()
      await trx.from('two_factor_recovery_codes').where('user_id', user.id).delete()
      await trustedDevices.forgetAll(user, trx)
    })
  }
}
