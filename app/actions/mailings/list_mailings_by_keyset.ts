import type Tenant from '#models/tenant'
import { type KeysetPosition, newestFirstPage } from '#services/database/pagination'

/**
 * The API's list of mailings: the current ones (not archived), newest first,
 * by keyset.
 */
export default class ListMailingsByKeyset {
  static handle(tenant: Tenant, position: KeysetPosition) {
    // The tags of `tags` audiences, which the API lists: one query for the page.
    return newestFirstPage(
      tenant.related('mailings').query().whereNull('archived_at').preload('tags'),
      position
    )
  }
}
