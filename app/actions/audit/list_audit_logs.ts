import AuditLog from '#models/audit_log'
import type { Infer } from '@vinejs/vine/types'
import type { auditLogFilterValidator } from '#validators/admin'
import { whereBetweenDays } from '#services/database/list_filters'
import { newestFirstPage } from '#services/database/pagination'

export const AUDIT_LOGS_PER_PAGE = 50

/**
 * The audit log, newest first, filtered by actor, action, subject type and
 * day (each filter has its index, see the audit_logs migration).
 */
export default class ListAuditLogs {
  static async handle(filters: Infer<typeof auditLogFilterValidator>) {
    const query = AuditLog.query()
    if (filters.actor) query.where('actor_id', filters.actor)
    if (filters.action) query.where('action', filters.action)
    if (filters.subject) query.where('subject_type', filters.subject)
    whereBetweenDays(query, 'created_at', filters)
    return newestFirstPage(query, { after: filters.after, perPage: AUDIT_LOGS_PER_PAGE })
  }
}
