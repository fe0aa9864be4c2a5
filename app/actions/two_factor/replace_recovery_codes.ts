import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import TwoFactorRecoveryCode from '#models/two_factor_recovery_code'
import type User from '#models/user'
import { newRecoveryCodes, recoveryCodeHash } from '#two_factor/recovery_codes'

/**
 * A user's recovery codes are replaced by ten new ones (at enrolment, or on
 * request when they were used or lost): the old ones stop working. Returns
 * the new codes in clear; only their hashes are stored.
 */
export default class ReplaceRecoveryCodes {
  static async handle(user: User, trx: TransactionClientContract) {
    await TwoFactorRecoveryCode.query({ client: trx }).where('user_id', user.id).delete()
    const codes = newRecoveryCodes()
    const createdAt = DateTime.now()
    await TwoFactorRecoveryCode.createMany(
      codes.map((code) => ({ userId: user.id, codeHash: recoveryCodeHash(code), createdAt })),
      { client: trx }
    )
    return codes
  }
}
