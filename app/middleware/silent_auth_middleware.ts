import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Looks up the logged-in user (if any) on every request, so public pages
 * know who is there, and ends the session of a user who has been blocked
 * since their last request.
 */
export default class SilentAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    await ctx.auth.check()

    const user = ctx.auth.user
    if (user?.isBlocked) {
      await ctx.auth.use('web').logout()
      ctx.session.flash(
        'error',
        'Your account has been blocked. Contact support if you think this is a mistake.'
      )
      return ctx.response.redirect().toRoute('session.create')
    }

    return next()
  }
}
