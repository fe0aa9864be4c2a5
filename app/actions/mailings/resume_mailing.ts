import type Mailing from '#models/mailing'
import { dispatchResumedRuns, resumeRuns } from '#sending/resume_runs'
import RecordWorkspaceEvent, { type Actor } from '#actions/audit/record_workspace_event'
import { writeTransaction } from '#services/database/write_transaction'

/**
 * Back to where it was: running once its window has opened, waiting for
 * its start otherwise, completed when no run is unfinished and its window
 * has closed. Runs that were paused (by a member, or by the
 * engine after too many failures) carry on with their unsent deliveries,
 * set going once the change and its audit entry are committed.
 */
export default class ResumeMailing {
  static async handle(actor: Actor, mailing: Mailing) {
    const runs = await writeTransaction(async (trx) => {
      const resumed = await resumeRuns(mailing, actor.user, trx)
      await RecordWorkspaceEvent.handle(
        actor,
        {
          tenantId: mailing.tenantId,
          action: 'mailing.resume',
          subject: { type: 'mailing', id: mailing.id, label: mailing.name },
        },
        trx
      )
      return resumed
    })
    await dispatchResumedRuns(mailing, runs)
  }
}
