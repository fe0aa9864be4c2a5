import type Membership from '#models/membership'
import type User from '#models/user'

/**
 * A workspace may require its members to use two-factor log-in
 * (`tenants.require_two_factor`, Settings → Workspace). A member without
 * it who acts in such a workspace is sent to set it up. Their own account's
 * pages (profile, password, sessions, two-factor) stay open: they sit
 * behind the tenant middleware's `optional` mode, which does not ask this.
 * Leaving the workspace (the tenant middleware lets that route through),
 * logging out and switching to another workspace are open too (logout is
 * outside the workspace routes; a switch names the other workspace, which
 * is judged by its own setting). API tokens are refused in the same case by
 * the API's own middleware (api_auth_middleware.ts).
 */
export function mustSetUpTwoFactorFirst(user: User, membership: Membership) {
  return membership.tenant.requireTwoFactor && !user.hasTwoFactor
}
