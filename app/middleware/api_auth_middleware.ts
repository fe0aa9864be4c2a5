import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { errors as authErrors } from '@adonisjs/auth'
import type { WorkspaceAccessToken } from '#api/access_tokens_provider'
import { membershipOf } from '#teams/memberships'
import { ApiProblem } from '#api/problem'
import { problemMessages } from '#api/problem_messages'

/**
 * Requires a valid personal access token (unknown, revoked and expired
 * tokens are refused by the guard), refuses blocked users' tokens, and
 * roots the request in the token's workspace (`ctx.tenant`), as the web's
 * tenant middleware does. The token acts as its member: once they are
 * removed from (or leave) that workspace, the token is refused on its next
 * request, and their role caps what its abilities allow (the policies
 * read `user.currentMembership`). In a workspace that requires two-factor
 * log-in, a member without it is refused here too: a token made before the
 * requirement must not keep acting for someone the workspace shut out.
 */
export default class ApiAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = await ctx.auth.authenticateUsing(['api'])
    const token = ctx.auth.use('api').user?.currentAccessToken as WorkspaceAccessToken | undefined
    const membership =
      !user.isBlocked && token?.tenantId ? await membershipOf(user.id, token.tenantId) : null
    if (!membership) {
      throw new authErrors.E_UNAUTHORIZED_ACCESS('Unauthorized access', {
        guardDriverName: 'access_tokens',
      })
    }
    if (membership.tenant.requireTwoFactor && !user.hasTwoFactor) {
      throw new ApiProblem('forbidden', problemMessages.twoFactor.requiredForTokens)
    }
    user.currentMembership = membership
    ctx.membership = membership
    ctx.tenant = membership.tenant
    return next()
  }
}
