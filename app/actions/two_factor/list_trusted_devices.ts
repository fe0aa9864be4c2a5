import TrustedDevice from '#models/trusted_device'
import type User from '#models/user'
import { twoFactorClock } from '#two_factor/clock'
import { sqlTime } from '#services/database/sql_time'

/**
 * The user's remembered devices that have not expired, newest first, for
 * the Security page.
 */
export default class ListTrustedDevices {
  static handle(user: User) {
    return TrustedDevice.query()
      .where('user_id', user.id)
      .where('expires_at', '>', sqlTime(twoFactorClock.now()))
      .orderBy('created_at', 'desc')
  }
}
