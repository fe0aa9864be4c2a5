import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type Mailing from '#models/mailing'
import type { MailingStatus } from '#models/mailing'
import type User from '#models/user'
import MailingRun from '#models/mailing_run'
import CompleteMailing from '#sending/complete_mailing'
import DispatchBatches from '#sending/dispatch_batches'
import { wakeSchedulerFor } from '#sending/scheduler'

/*
 * Runs sent again once whatever stopped them is lifted: a stopped mailing
 * resumed by its owner (ResumeMailing) or enabled by staff (EnableMailing,
 * which records the staff action in the same transaction), in two steps
 * around the caller's commit; and a blocked owner let back in
 * (UnblockUser). `PauseRun` is the other way.
 */

/**
 * Sets the mailing and its unfinished runs going again; returns the runs,
 * which `dispatchResumedRuns` sets going once the change is committed (a
 * batch or a scheduler wake that ran before the commit would find the
 * mailing still stopped).
 */
export async function resumeRuns(mailing: Mailing, user: User, trx?: TransactionClientContract) {
  const runs = await MailingRun.query({ client: trx })
    .where('mailing_id', mailing.id)
    .whereIn('status', ['running', 'paused'])

  if (trx) mailing.useTransaction(trx)
  mailing.merge({
    status: statusAfter(mailing, runs.length > 0),
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
 * A mailing left with neither (its last run ended while it was stopped) is
 * completed: nothing else would ever complete it.
 */
export async function dispatchResumedRuns(mailing: Mailing, runs: MailingRun[]) {
  for (const run of runs) await DispatchBatches.handle(run)
  await wakeSchedulerFor(mailing.nextRunAt)
  if (runs.length === 0 && (await CompleteMailing.handle(mailing.id))) await mailing.refresh()
}

/**
 * Queues again the running runs of an owner's running mailings, whose
 * batches stopped while the owner was blocked (the scheduler picks up their
 * due occurrences by itself).
 */
/**
 * After an unblock: the running runs of the workspaces the person owns,
 * which their block had stopped whoever made the mailing.
 */
export async function dispatchWorkspaceRuns(owner: User) {
  const runs = await MailingRun.query()
    .where('status', 'running')
    .whereIn('tenantId', (owned) =>
      owned
        .from('memberships')
        .where('user_id', owner.id)
        .where('role', 'owner')
        .select('tenant_id')
    )
    .whereHas('mailing', (mailing) => mailing.where('status', 'running'))
  for (const run of runs) await DispatchBatches.handle(run)
}

export async function dispatchOwnerRuns(owner: User) {
  const runs = await MailingRun.query()
    .where('status', 'running')
    .whereHas('mailing', (mailing) =>
      mailing.where('created_by_id', owner.id).where('status', 'running')
    )
  for (const run of runs) await DispatchBatches.handle(run)
}

function statusAfter(mailing: Mailing, hasUnfinishedRun: boolean): MailingStatus {
  // A mailing with an unfinished run is running, whatever its start says.
  if (hasUnfinishedRun) return 'running'
  const now = DateTime.now()
  if (mailing.startAt > now) return 'created'
  return mailing.endAt <= now ? 'completed' : 'running'
}
