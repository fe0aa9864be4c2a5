import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import RecordStaffAction from '#actions/audit/record_staff_action'
import { dispatchOwnerRuns, dispatchWorkspaceRuns } from '#sending/resume_runs'

interface Params {
  user: User
  actor: User
  reason?: string | null
}

/**
 * Lets a blocked user back in. Their running mailings carry on: the runs
 * whose batches stopped when they were blocked are queued again (the
 * scheduler picks up their due occurrences by itself).
 */
export default class UnblockUser {
  static async handle({ user, actor, reason }: Params) {
    await db.transaction(async (trx) => {
      user.useTransaction(trx)
      user.merge({ blockedAt: null, blockedReason: null })
      await user.save()
      // The workspaces their block stopped send again (unless another
      // blocked owner's stop remains).
      await trx.from('workspace_suspensions').where('user_id', user.id).delete()
      await RecordStaffAction.handle(
        {
          actor,
          action: 'user.unblock',
          subject: { type: 'user', id: user.id, label: user.email },
          reason: reason || null,
        },
        trx
      )
    })

    await dispatchOwnerRuns(user)
    await dispatchWorkspaceRuns(user)
  }
}
