import type Mailing from '#models/mailing'
import type User from '#models/user'

/**
 * The owner holds a mailing: nothing more is sent until they resume it.
 */
export default class PauseMailing {
  static async handle(mailing: Mailing, user: User) {
    mailing.status = 'paused'
    mailing.statusReason = `Paused by ${user.fullName}`
    mailing.statusChangedById = user.id
    await mailing.save()
  }
}
