import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import TwoFactorRecoveryCode from '#models/two_factor_recovery_code'
import type User from '#models/user'
import { newRecoveryCodes, recoveryCodeHash } from '#two_factor/recovery_codes'

/**
 * A user's recovery codes are replaced by ten new ones (at enrolment, or on
 * request when they were used or lost): the old ones stop working. Returns
 * the new codes in clear; only their hashes are stored. The old codes go
 * and the new ones come in one transaction (the caller's, when enrolment
 * turns two-factor log-in on in the same one): never none, never both.
 */
export default class ReplaceRecoveryCodes {
  static async handle(user: User, trx?: TransactionClientContract): Promise<string[]> {
    if (!trx) return db.transaction((own) => ReplaceRecoveryCodes.handle(user, own))
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
