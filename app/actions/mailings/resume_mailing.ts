import { DateTime } from 'luxon'
import type Mailing from '#models/mailing'
import type User from '#models/user'

/**
 * Back to where it was: running once its window has opened, waiting for
 * its start otherwise.
 */
export default class ResumeMailing {
  static async handle(mailing: Mailing, user: User) {
    mailing.status = mailing.startAt <= DateTime.now() ? 'running' : 'created'
    mailing.statusReason = null
    mailing.statusChangedById = user.id
    await mailing.save()
  }
}
