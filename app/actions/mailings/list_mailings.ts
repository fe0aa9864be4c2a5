import type Tenant from '#models/tenant'
import type { Infer } from '@vinejs/vine/types'
import type { mailingFilterValidator } from '#validators/mailing'
import { offsetPage } from '#services/database/pagination'
import { countRecipients } from '#services/mailings/recipient_counts'

export const MAILINGS_PER_PAGE = 25

/**
 * A page of the workspace's mailings, newest first, each with its message
 * and how many recipients it has: the current ones (all, or one status),
 * or the archived ones.
 */
export default class ListMailings {
  static async handle(tenant: Tenant, filters: Infer<typeof mailingFilterValidator>) {
    const query = tenant.related('mailings').query().preload('message')
    if (filters.status === 'archived') query.whereNotNull('archived_at')
    else query.whereNull('archived_at')
    if (filters.status && filters.status !== 'archived') query.where('status', filters.status)

    const page = await offsetPage(query.orderBy('created_at', 'desc').orderBy('id', 'desc'), {
      page: filters.page ?? 1,
      perPage: MAILINGS_PER_PAGE,
    })
    return {
      mailings: page.items,
      recipients: await countRecipients(tenant, page.items),
      page: page.page,
      hasNextPage: page.hasNext,
    }
  }
}
