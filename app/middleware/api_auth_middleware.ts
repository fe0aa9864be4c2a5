import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { errors as authErrors } from '@adonisjs/auth'
import Tenant from '#models/tenant'

/**
 * Requires a valid personal access token (unknown, revoked and expired
 * tokens are refused by the guard), refuses blocked users' tokens, and
 * roots the request in the token user's workspace (`ctx.tenant`), as the
 * web's tenant middleware does.
 */
export default class ApiAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = await ctx.auth.authenticateUsing(['api'])
    if (user.isBlocked) {
      throw new authErrors.E_UNAUTHORIZED_ACCESS('Unauthorized access', {
        guardDriverName: 'access_tokens',
      })
    }
    ctx.tenant = await Tenant.findOrFail(user.tenantId)
    return next()
  }
}
