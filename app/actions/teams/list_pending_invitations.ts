import Invitation from '#models/invitation'
import type Tenant from '#models/tenant'
import { sqlTime } from '#services/database/sql_time'

/**
 * The workspace's invitations whose link still works (neither accepted,
 * revoked nor expired), newest first, with who sent each.
 */
export default class ListPendingInvitations {
  static handle(tenant: Tenant) {
    return Invitation.query()
      .where('tenantId', tenant.id)
      .whereNull('acceptedAt')
      .whereNull('revokedAt')
      .where('expiresAt', '>', sqlTime())
      .preload('invitedBy')
      .orderBy('createdAt', 'desc')
  }
}
