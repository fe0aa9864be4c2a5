import { DateTime } from 'luxon'
import type Mailing from '#models/mailing'

/**
 * Deleting a mailing keeps its history: it is archived, hidden from the
 * list, and never sends again.
 */
export default class ArchiveMailing {
  static async handle(mailing: Mailing) {
    mailing.archivedAt = DateTime.now()
    mailing.nextRunAt = null
    await mailing.save()
  }
}
