import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import type { Role } from '#models/user'
import RecordStaffAction from '#actions/audit/record_staff_action'

interface Params {
  user: User
  actor: User
  role: Role
}

/**
 * An admin gives a user another role; the change takes effect on the
 * user's next request (policies read the role from the database).
 */
export default class ChangeUserRole {
  static async handle({ user, actor, role }: Params) {
    const previousRole = user.role
    if (previousRole === role) return
    await db.transaction(async (trx) => {
      user.useTransaction(trx)
      user.role = role
      await user.save()
      await RecordStaffAction.handle(
        {
          actor,
          action: 'user.role_change',
          subject: { type: 'user', id: user.id, label: user.email },
          details: { from: previousRole, to: role },
        },
        trx
      )
    })
  }
}
