import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import signupFormsConfig from '#config/signup_forms'

export const PUBLIC_SIGNUP_PATH = '/f/'

/** What an HTML form posts (the hosted page and every pasted snippet). */
const FORM_TYPE = 'application/x-www-form-urlencoded'

/**
 * Public sign-up form posts take anyone's body: a server middleware (before
 * the router's body parser reads anything) refuses, unread, a body that is
 * not the small form a browser sends. The size bound is only as good as the
 * declared length, so a body must declare one (411 otherwise: a chunked
 * body would be read up to the body parser's own, much larger limit; a
 * browser always declares a form's length), must be a plain form post
 * (415 otherwise: JSON and multipart have limits of megabytes in
 * config/bodyparser.ts), and must be declared no larger than a form needs
 * (413). Every field is then bounded by its validator.
 */
export default class SignupFormGuardMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { request } = ctx
    if (request.method() !== 'POST' || !request.url().startsWith(PUBLIC_SIGNUP_PATH)) {
      return next()
    }
    const length = request.header('content-length')
    if (length === undefined || request.header('transfer-encoding') !== undefined) {
      return refuse(ctx, 411, 'length_required')
    }
    const declared = Number(length)
    if (declared > signupFormsConfig.maxBodyBytes) return refuse(ctx, 413, 'too_large')
    // An empty body (the confirmation page's button) has nothing to parse.
    if (declared > 0 && mediaType(request.header('content-type')) !== FORM_TYPE) {
      return refuse(ctx, 415, 'unsupported_type')
    }
    return next()
  }
}

function mediaType(contentType: string | undefined) {
  return (contentType ?? '').split(';')[0].trim().toLowerCase()
}

/**
 * Answers without reading the body, and closes the connection so whatever
 * of it is still coming is not read either.
 */
async function refuse(ctx: HttpContext, status: number, page: string) {
  ctx.response.header('Connection', 'close')
  ctx.response.status(status)
  return ctx.response.send(await ctx.view.render(`pages/signup_forms/public/${page}`))
}
