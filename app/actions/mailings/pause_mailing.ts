import { DateTime } from 'luxon'
import type Mailing from '#models/mailing'
import type User from '#models/user'

/**
 * The owner holds a mailing: nothing more is sent until they resume it.
 */
export default class PauseMailing {
  static async handle(mailing: Mailing, user: User) {
    mailing.merge({
      status: 'paused',
      statusReason: `Paused by ${user.fullName}`,
      statusChangedById: user.id,
      statusChangedAt: DateTime.now(),
    })
    await mailing.save()
  }
}
