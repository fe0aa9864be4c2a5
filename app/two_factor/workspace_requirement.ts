import type { HttpContext } from '@adonisjs/core/http'
import type Membership from '#models/membership'
import type User from '#models/user'

/**
 * A workspace may require its members to use two-factor log-in
 * (`tenants.require_two_factor`, Settings → Workspace). A member without
 * it who acts in such a workspace is sent to set it up; these pages stay
 * open so they can (and so no redirect loops): their own account's
 * settings. Logging out and switching to another workspace are open too
 * (logout is outside the workspace routes; a switch names the other
 * workspace, which is judged by its own setting).
 *
 * API tokens are refused in the same case by the API's own middleware
 * (api_auth_middleware.ts), which does not pass here.
 */
const OPEN_ROUTE_PREFIXES = [
  'settings.security.',
  'settings.profile.',
  'settings.password.',
  'settings.sessions.',
]

export function mustSetUpTwoFactorFirst(ctx: HttpContext, user: User, membership: Membership) {
  if (!membership.tenant.requireTwoFactor || user.hasTwoFactor) return false
  const routeName = ctx.route?.name ?? ''
  return !OPEN_ROUTE_PREFIXES.some((prefix) => routeName.startsWith(prefix))
}
