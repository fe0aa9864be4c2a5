import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { matchingTimeStep, openSecret } from '#two_factor/totp'
import { looksLikeRecoveryCode, recoveryCodeHash } from '#two_factor/recovery_codes'
import { secondFactorAttempts } from '#two_factor/attempts'
import { sqlTime } from '#services/database/sql_time'
import { affectedRows } from '#services/database/affected_rows'

export type SecondFactor = 'app' | 'recovery_code'

/**
 * Checks what the user typed as their second factor: the current code of
 * their app (once per time step: a used code is refused) or one of their
 * unused recovery codes (used up by this). Returns which it was, or null.
 * Throws SecondFactorThrottledError after five wrong ones in fifteen
 * minutes.
 *
 * Both are claimed with a conditional UPDATE, so two requests with the same
 * code at the same moment succeed at most once.
 */
export default class CheckSecondFactor {
  static async handle(user: User, entry: string): Promise<SecondFactor | null> {
    const attempt = await secondFactorAttempts.take(user.id)
    const used = looksLikeRecoveryCode(entry)
      ? await this.#useRecoveryCode(user, entry)
      : await this.#useAppCode(user, entry)
    await (used ? attempt.succeeded() : attempt.failed())
    return used
  }

  static async #useAppCode(user: User, code: string) {
    const secret = openSecret(user.twoFactorSecret)
    if (!secret) return null
    const timeStep = await matchingTimeStep(secret, code, user.twoFactorLastTimeStep)
    if (timeStep === null) return null
    const claimed = await db
      .from('users')
      .where('id', user.id)
      .where((query) =>
        query
          .whereNull('two_factor_last_time_step')
          .orWhere('two_factor_last_time_step', '<', timeStep)
      )
      .update({ two_factor_last_time_step: timeStep })
    if (affectedRows(claimed) !== 1) return null
    user.twoFactorLastTimeStep = timeStep
    return 'app' as const
  }

  static async #useRecoveryCode(user: User, code: string) {
    const claimed = await db
      .from('two_factor_recovery_codes')
      .where('user_id', user.id)
      .where('code_hash', recoveryCodeHash(code))
      .whereNull('used_at')
      .update({ used_at: sqlTime() })
    return affectedRows(claimed) === 1 ? ('recovery_code' as const) : null
  }

  /** Recovery codes the user has left. */
  static async recoveryCodesLeft(user: User) {
    const row = await db
      .from('two_factor_recovery_codes')
      .where('user_id', user.id)
      .whereNull('used_at')
      .count('* as total')
      .first()
    return Number(row?.total ?? 0)
  }
}
