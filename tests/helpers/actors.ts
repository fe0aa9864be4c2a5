import type { Actor } from '#actions/audit/record_workspace_event'
import Membership from '#models/membership'
import type User from '#models/user'

/**
 * A user as the actor of an action a test calls directly (no request: no
 * address, no browser).
 */
export function actorFor(user: User): Actor {
  return { user, ip: null, userAgent: null }
}

/**
 * The owner of a workspace as the actor, for set-up steps that only have
 * the workspace at hand.
 */
export async function ownerActorOf(tenant: { id: number }): Promise<Actor> {
  const owner = await Membership.query()
    .where('tenant_id', tenant.id)
    .where('role', 'owner')
    .preload('user')
    .orderBy('id')
    .firstOrFail()
  return actorFor(owner.user)
}
