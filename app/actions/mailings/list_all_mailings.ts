import Mailing from '#models/mailing'
import Tenant from '#models/tenant'
import type { Infer } from '@vinejs/vine/types'
import type { staffMailingFilterValidator } from '#validators/admin'
import { whereBetweenDays } from '#services/database/list_filters'
import { newestFirstPage } from '#services/database/pagination'

export const STAFF_MAILINGS_PER_PAGE = 50

/**
 * Every workspace's mailings for staff, newest first, filtered by
 * workspace, status and creation day; deleted ones included (marked), as
 * history, with the workspace filtered on, for its name. Staff-only: the
 * controller authorizes before calling it.
 */
export default class ListAllMailings {
  static async handle(filters: Infer<typeof staffMailingFilterValidator>) {
    const query = Mailing.query()
      .preload('tenant', (tenant) => tenant.select('id', 'name'))
      .preload('createdBy', (user) => user.select('id', 'full_name', 'email'))
    if (filters.workspace) query.where('tenant_id', filters.workspace)
    if (filters.status) query.where('status', filters.status)
    whereBetweenDays(query, 'created_at', filters)
    const page = await newestFirstPage(query, {
      after: filters.after,
      perPage: STAFF_MAILINGS_PER_PAGE,
    })
    const workspace = filters.workspace ? await Tenant.find(filters.workspace) : null
    return { ...page, workspace }
  }
}
