import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import signupFormsConfig from '#config/signup_forms'

export const PUBLIC_SIGNUP_PATH = '/f/'

/**
 * Public sign-up form posts take anyone's body: a server middleware (before
 * the router's body parser reads anything) refuses one declared larger than
 * a form needs with 413, unread. A body sent without a declared length is
 * still bounded by the body parser's limit (config/bodyparser.ts), and
 * every field by its validator.
 */
export default class SignupFormGuardMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { request } = ctx
    if (request.method() !== 'POST' || !request.url().startsWith(PUBLIC_SIGNUP_PATH)) {
      return next()
    }
    const declared = Number(request.header('content-length') ?? 0)
    if (declared > signupFormsConfig.maxBodyBytes) {
      ctx.response.header('Connection', 'close')
      ctx.response.status(413)
      return ctx.response.send(await ctx.view.render('pages/signup_forms/public/too_large'))
    }
    return next()
  }
}
