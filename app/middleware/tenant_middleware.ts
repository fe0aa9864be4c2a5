import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import Tenant from '#models/tenant'

/**
 * Resolves the logged-in user's workspace as `ctx.tenant`. Every workspace
 * query starts from it (`ctx.tenant.related('clients')...`), which is what
 * keeps one business's data out of another's hands.
 */
export default class TenantMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = ctx.auth.getUserOrFail()
    ctx.tenant = await Tenant.findOrFail(user.tenantId)
    ctx.view.share({ tenant: ctx.tenant })

    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    tenant: Tenant
  }
}
