import logger from '@adonisjs/core/services/logger'
import type { EventsList } from '@adonisjs/core/types'
import Mailing from '#models/mailing'
import { wakeSchedulerFor } from '#sending/scheduler'

/**
 * A periodic mailing's next occurrence starts at its time, not at the next
 * tick: the run that just started has moved `next_run_at` on to it, so a
 * delayed wake is queued for exactly then (nothing for a once-mailing's
 * only run).
 *
 * A listener on `mailing_run:started` rather than a call at the end of
 * StartRun, on purpose: the wake dispatches StartDueRunsJob, which runs
 * StartDueRuns, which calls StartRun, so StartRun importing the scheduler
 * would close an import cycle (scheduler → StartDueRunsJob → StartDueRuns
 * → StartRun → scheduler). The run announces its start anyway (webhooks,
 * the home page's numbers); waking the next occurrence is one more
 * reaction to it, and this file is imported lazily, outside the cycle.
 *
 * A failure is logged, never thrown back into the run that started: the
 * tick still starts the occurrence, a second later at most.
 */
export default class ScheduleNextOccurrence {
  async handle({ mailingId }: EventsList['mailing_run:started']) {
    try {
      const mailing = await Mailing.find(mailingId)
      await wakeSchedulerFor(mailing?.nextRunAt ?? null)
    } catch (error) {
      logger.error({ err: error, mailingId }, 'The next occurrence could not be scheduled')
    }
  }
}
