import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import RecordStaffAction from '#actions/audit/record_staff_action'
import EndSessions from '#actions/auth/end_sessions'
import { sqlTime } from '#services/database/sql_time'

interface Params {
  user: User
  actor: User
  reason: string
}

/**
 * Blocks an account. Everything else follows from `blocked_at`: the user
 * cannot log in and is logged out on their next request
 * (SilentAuthMiddleware), their API tokens are refused, the scheduler
 * starts none of their mailings and sending batches stop before the next
 * message (SendBatch's claim). Their sessions end at once, and their
 * "remember me" tokens are deleted so that unblocking does not revive an
 * old session.
 *
 * The workspaces they own stop sending too (`workspace_suspensions`), by
 * whomever a mailing was made: otherwise a colleague they invited would
 * send on for them, and could lift the stop by removing them.
 */
export default class BlockUser {
  static async handle({ user, actor, reason }: Params) {
    await db.transaction(async (trx) => {
      user.useTransaction(trx)
      user.merge({ blockedAt: DateTime.now(), blockedReason: reason })
      await user.save()
      await EndSessions.handle(user, { client: trx })
      await trx.rawQuery(
        `INSERT INTO workspace_suspensions (tenant_id, user_id, created_at)
         SELECT tenant_id, user_id, ? FROM memberships WHERE user_id = ? AND role = 'owner'
         ON CONFLICT (tenant_id, user_id) DO NOTHING`,
        [sqlTime(), user.id]
      )
      await RecordStaffAction.handle(
        {
          actor,
          action: 'user.block',
          subject: { type: 'user', id: user.id, label: user.email },
          reason,
        },
        trx
      )
    })
  }
}
