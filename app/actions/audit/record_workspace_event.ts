import type { HttpContext } from '@adonisjs/core/http'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import WorkspaceAuditLog from '#models/workspace_audit_log'
import type User from '#models/user'

/**
 * Who acts, and from where: the member and their request's address and
 * browser. Actions that change a workspace take one and pass it here.
 */
export interface Actor {
  user: User
  ip: string | null
  userAgent: string | null
}

/**
 * The actor of a web or API request.
 */
export function actorOf(ctx: Pick<HttpContext, 'auth' | 'request'>): Actor {
  return {
    user: ctx.auth.getUserOrFail(),
    ip: ctx.request.ip(),
    userAgent: ctx.request.header('user-agent')?.slice(0, 300) ?? null,
  }
}

export interface WorkspaceEvent {
  tenantId: number
  /**
   * A dotted verb, e.g. `client.delete`, `mailing.start`, `member.remove`.
   */
  action: string
  subject: { type: string; id: number | null; label?: string | null }
  details?: Record<string, unknown> | null
}

/**
 * Writes a member's change to the workspace audit log. Pass the transaction
 * that makes the change, so the change and its record commit together (or
 * neither does). `actor` null is the schedule itself: a mailing's run started
 * at its time, as its members planned it (the page says "On schedule").
 */
export default class RecordWorkspaceEvent {
  static async handle(actor: Actor | null, event: WorkspaceEvent, trx?: TransactionClientContract) {
    return WorkspaceAuditLog.create(
      {
        tenantId: event.tenantId,
        actorId: actor?.user.id ?? null,
        actorEmail: actor?.user.email ?? null,
        action: event.action,
        subjectType: event.subject.type,
        subjectId: event.subject.id,
        subjectLabel: event.subject.label?.slice(0, 250) ?? null,
        details: event.details ?? null,
        ip: actor?.ip?.slice(0, 45) ?? null,
        userAgent: actor?.userAgent?.slice(0, 300) ?? null,
      },
      trx ? { client: trx } : undefined
    )
  }
}
