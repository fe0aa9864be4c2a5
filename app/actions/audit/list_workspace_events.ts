import { DateTime } from 'luxon'
import type { Infer } from '@vinejs/vine/types'
import type Tenant from '#models/tenant'
import WorkspaceAuditLog from '#models/workspace_audit_log'
import type { workspaceAuditLogFilterValidator } from '#validators/workspace_audit_log'
import { newestFirstPage } from '#services/database/pagination'
import { sqlTime } from '#services/database/sql_time'

export const WORKSPACE_EVENTS_PER_PAGE = 50

export type WorkspaceEventFilters = Infer<typeof workspaceAuditLogFilterValidator>

/**
 * A workspace's audit log, newest first, a page at a time by keyset,
 * filtered by action, member, and days from/to as the workspace's clock
 * reads them (a member in Tokyo filtering "today" means Tokyo's today).
 * Rooted at the workspace: another's events never show. Each filter rides
 * an index of the table ((tenant_id, action, id), (tenant_id, actor_id, id),
 * (tenant_id, id): see migration 45).
 */
export default class ListWorkspaceEvents {
  static async handle(
    tenant: Tenant,
    filters: WorkspaceEventFilters,
    perPage = WORKSPACE_EVENTS_PER_PAGE
  ) {
    const query = WorkspaceAuditLog.query().where('tenant_id', tenant.id)
    if (filters.action) query.where('action', filters.action)
    if (filters.member) query.where('actor_id', filters.member)
    const day = (value: string) => DateTime.fromISO(value, { zone: tenant.timeZone })
    if (filters.from) query.where('created_at', '>=', sqlTime(day(filters.from).startOf('day')))
    if (filters.to) {
      query.where('created_at', '<', sqlTime(day(filters.to).plus({ days: 1 }).startOf('day')))
    }
    return newestFirstPage(query, { after: filters.after, perPage })
  }
}
