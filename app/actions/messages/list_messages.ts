import type Tenant from '#models/tenant'
import { countedOffsetPage } from '#services/database/pagination'

export const MESSAGES_PER_PAGE = 25

/**
 * The workspace's messages.
 */
export default class ListMessages {
  /**
   * A page of the list, last changed first, each with how many current
   * (not deleted) mailings send it, and how many pages there are.
   */
  static handle(tenant: Tenant, page: number) {
    const query = tenant
      .related('messages')
      .query()
      .withCount('mailings', (mailings) => mailings.whereNull('archived_at'))
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
    return countedOffsetPage(query, { page, perPage: MESSAGES_PER_PAGE })
  }
}
