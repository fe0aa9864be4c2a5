import { DateTime } from 'luxon'
import AuditLog from '#models/audit_log'
import { sqlTime } from '#services/database/sql_time'

/**
 * The workspaces the platform paused for their bounce or complaint rate
 * lately (CheckWorkspaceReputation), newest first: the admin panel's home
 * lists them so the staff hear of it.
 */
export default class ListReputationPauses {
  static handle({ days = 30, limit = 10 } = {}) {
    return AuditLog.query()
      .where('action', 'workspace.sending_paused')
      .where('created_at', '>=', sqlTime(DateTime.now().minus({ days })))
      .orderBy('id', 'desc')
      .limit(limit)
  }
}
