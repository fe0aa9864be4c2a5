import db from '@adonisjs/lucid/services/db'
import type Mailing from '#models/mailing'
import type User from '#models/user'
import RecordStaffAction from '#actions/audit/record_staff_action'
import { dispatchResumedRuns, resumeRuns } from '#sending/resume_runs'

interface Params {
  mailing: Mailing
  actor: User
  reason?: string | null
}

/**
 * Staff let a disabled mailing send again, from where it was: an unfinished
 * run carries on with its unsent deliveries, otherwise the schedule decides
 * (the scheduler starts a due occurrence, or records it missed when it is
 * long past).
 */
export default class EnableMailing {
  static async handle({ mailing, actor, reason }: Params) {
    const runs = await db.transaction(async (trx) => {
      const resumed = await resumeRuns(mailing, actor, trx)
      await RecordStaffAction.handle(
        {
          actor,
          action: 'mailing.enable',
          subject: { type: 'mailing', id: mailing.id, label: mailing.name },
          reason: reason || null,
          details: { status: mailing.status, tenantId: mailing.tenantId },
        },
        trx
      )
      return resumed
    })
    await dispatchResumedRuns(mailing, runs)
  }
}
