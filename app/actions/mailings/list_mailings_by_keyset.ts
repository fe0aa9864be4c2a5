import type Tenant from '#models/tenant'
import { type KeysetPosition, newestFirstPage } from '#services/database/pagination'

/**
 * The API's list of mailings: the current ones (not archived), newest first,
 * by keyset.
 */
export default class ListMailingsByKeyset {
  static handle(tenant: Tenant, position: KeysetPosition) {
    return newestFirstPage(tenant.related('mailings').query().whereNull('archived_at'), position)
  }
}
