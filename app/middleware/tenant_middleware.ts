import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type Tenant from '#models/tenant'

/**
 * Resolves the logged-in user's workspace as `ctx.tenant`. Every workspace
 * query starts from it (`ctx.tenant.related('clients')...`), which is what
 * keeps one business's data out of another's hands.
 */
export default class TenantMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = ctx.auth.getUserOrFail()
    await user.load('tenant')
    ctx.tenant = user.tenant
    ctx.view.share({ tenant: ctx.tenant })

    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    tenant: Tenant
  }
}
