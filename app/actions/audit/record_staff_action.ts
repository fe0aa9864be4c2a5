import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditLog from '#models/audit_log'
import type User from '#models/user'

export interface StaffAction {
  actor: User
  /**
   * A dotted verb, e.g. `mailing.disable`, `user.block`, `user.role_change`, `post.publish`.
   */
  action: string
  subject: { type: string; id: number | null; label?: string | null }
  reason?: string | null
  details?: Record<string, unknown> | null
}

/**
 * Writes a staff action to the audit log. Pass the transaction that makes
 * the change, so the change and its record are committed together.
 */
export default class RecordStaffAction {
  static async handle(entry: StaffAction, trx?: TransactionClientContract) {
    return AuditLog.create(
      {
        actorId: entry.actor.id,
        actorEmail: entry.actor.email,
        action: entry.action,
        subjectType: entry.subject.type,
        subjectId: entry.subject.id,
        subjectLabel: entry.subject.label?.slice(0, 250) ?? null,
        reason: entry.reason ?? null,
        details: entry.details ?? null,
      },
      trx ? { client: trx } : undefined
    )
  }
}
