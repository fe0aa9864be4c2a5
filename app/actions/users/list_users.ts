import User from '#models/user'
import Tenant from '#models/tenant'
import type { Infer } from '@vinejs/vine/types'
import type { staffUserFilterValidator } from '#validators/admin'
import { newestFirstPage } from '#services/database/pagination'
import { whereMatches } from '#services/database/list_filters'

export const STAFF_USERS_PER_PAGE = 50

/**
 * Every user for staff, newest first: searched by email or name, filtered
 * by role, status and workspace, with how many mailings each created (one
 * subquery per page on the indexed `mailings.created_by_id`, no query per
 * row), and the workspace filtered on, for its name.
 */
export default class ListUsers {
  static async handle(filters: Infer<typeof staffUserFilterValidator>) {
    const query = whereMatches(User.query(), filters.q ?? '')
      .preload('lastTenant', (tenant) => tenant.select('id', 'name'))
      .withCount('createdMailings')
    if (filters.role) query.where('role', filters.role)
    if (filters.status === 'blocked') query.whereNotNull('blocked_at')
    if (filters.status === 'active') query.whereNull('blocked_at')
    if (filters.workspace) {
      const workspace = filters.workspace
      query.whereIn('id', (members) =>
        members.from('memberships').where('tenant_id', workspace).select('user_id')
      )
    }
    const page = await newestFirstPage(query, {
      after: filters.after,
      perPage: STAFF_USERS_PER_PAGE,
    })
    const workspace = filters.workspace ? await Tenant.find(filters.workspace) : null
    return { ...page, workspace }
  }
}
