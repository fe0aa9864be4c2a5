import type Tenant from '#models/tenant'
import { type KeysetPosition, newestFirstPage } from '#services/database/pagination'

/**
 * The API's list of messages: newest first, by keyset.
 */
export default class ListMessagesByKeyset {
  static handle(tenant: Tenant, position: KeysetPosition) {
    return newestFirstPage(tenant.related('messages').query(), position)
  }
}
