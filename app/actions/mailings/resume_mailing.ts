import type Mailing from '#models/mailing'
import type User from '#models/user'
import { dispatchResumedRuns, resumeRuns } from '#sending/resume_runs'

/**
 * Back to where it was: running once its window has opened, waiting for
 * its start otherwise, completed when no run is unfinished and its window
 * has closed. Runs that were paused (by the owner, or by the
 * engine after too many failures) carry on with their unsent deliveries.
 */
export default class ResumeMailing {
  static async handle(mailing: Mailing, user: User) {
    const runs = await resumeRuns(mailing, user)
    await dispatchResumedRuns(mailing, runs)
  }
}
