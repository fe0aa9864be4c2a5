import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type Mailing from '#models/mailing'
import type { MailingStatus } from '#models/mailing'
import type User from '#models/user'
import MailingRun from '#models/mailing_run'
import DispatchBatches from '#sending/dispatch_batches'
import { wakeSchedulerFor } from '#sending/scheduler'

/**
 * Back to where it was: running once its window has opened, waiting for
 * its start otherwise, completed when no run is unfinished and its window
 * has closed. Runs that were paused (by the owner, or by the
 * engine after too many failures) carry on with their unsent deliveries.
 */
export default class ResumeMailing {
  static async handle(mailing: Mailing, user: User) {
    const runs = await ResumeMailing.reopen(mailing, user)
    await ResumeMailing.dispatch(mailing, runs)
  }

  /**
   * Sets the mailing and its unfinished runs going again; returns the runs,
   * which `dispatch` sets going once the change is committed (a batch or a
   * scheduler wake that ran before the commit would find the mailing still
   * stopped).
   */
  static async reopen(mailing: Mailing, user: User, trx?: TransactionClientContract) {
    const runs = await MailingRun.query({ client: trx })
      .where('mailing_id', mailing.id)
      .whereIn('status', ['running', 'paused'])

    if (trx) mailing.useTransaction(trx)
    mailing.merge({
      status: ResumeMailing.#statusAfter(mailing, runs.length > 0),
      statusReason: null,
      statusChangedById: user.id,
      statusChangedAt: DateTime.now(),
    })
    await mailing.save()

    for (const run of runs) {
      run.merge({ status: 'running', statusReason: null })
      if (trx) run.useTransaction(trx)
      await run.save()
    }
    return runs
  }

  /**
   * Queues the unfinished runs' batches, and wakes the scheduler for the
   * mailing's next occurrence: at once when it came while the mailing was
   * stopped (the wake it had then found it paused), else exactly at its time.
   */
  static async dispatch(mailing: Mailing, runs: MailingRun[]) {
    for (const run of runs) await DispatchBatches.handle(run)
    await wakeSchedulerFor(mailing.nextRunAt)
  }

  static #statusAfter(mailing: Mailing, hasUnfinishedRun: boolean): MailingStatus {
    // A mailing with an unfinished run is running, whatever its start says.
    if (hasUnfinishedRun) return 'running'
    const now = DateTime.now()
    if (mailing.startAt > now) return 'created'
    return mailing.endAt <= now ? 'completed' : 'running'
  }
}
