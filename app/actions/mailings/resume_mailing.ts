import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type Mailing from '#models/mailing'
import type User from '#models/user'
import MailingRun from '#models/mailing_run'
import StartRun from '#actions/sending/start_run'

/**
 * Back to where it was: running once its window has opened, waiting for
 * its start otherwise. Runs that were paused (by the owner, or by the
 * engine after too many failures) carry on with their unsent deliveries.
 */
export default class ResumeMailing {
  static async handle(mailing: Mailing, user: User) {
    const runs = await MailingRun.query()
      .where('mailing_id', mailing.id)
      .whereIn('status', ['running', 'paused'])

    // A mailing with an unfinished run is running, whatever its start says.
    const started = runs.length > 0 || mailing.startAt <= DateTime.now()
    mailing.status = started ? 'running' : 'created'
    mailing.statusReason = null
    mailing.statusChangedById = user.id
    await mailing.save()

    for (const run of runs) {
      await db
        .from('mailing_runs')
        .where('id', run.id)
        .update({ status: 'running', status_reason: null })
      await StartRun.dispatchBatches(run)
    }
  }
}
