import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { RememberMeToken } from '@adonisjs/auth/session'
import type User from '#models/user'
import {
  endSession,
  registerSession,
  sessionSeen,
  takeEndReason,
} from '#services/accounts/active_sessions'
import { flashMessages } from '#services/http/flash_messages'

/**
 * Looks up the logged-in user (if any) on every request, so public pages
 * know who is there, and ends the session of a user who has been blocked
 * since their last request, or whose session was ended elsewhere (a
 * session missing from the user's record of active sessions, see
 * app/services/accounts/active_sessions.ts).
 *
 * It also keeps that record in step with the session id, for every way in
 * and out at once: a log-in (form, sign-up or "remember me" cookie) gets a
 * new session id and is recorded under it; a log-out leaves the record.
 * And it tells whoever comes back with the cookie of a session ended
 * elsewhere why they are logged out (a block, or an end from elsewhere).
 */
export default class SilentAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const sessionAtStart = ctx.session.sessionId
    await ctx.auth.check()

    const guard = ctx.auth.use('web')
    const user = guard.user
    if (!user && !ctx.session.fresh) {
      // A guest's cookie may name a session that was ended elsewhere.
      const reason = await takeEndReason(sessionAtStart)
      if (reason) {
        ctx.session.flash('error', flashMessages.account.loggedOutBecause[reason])
        ctx.session.regenerate()
      }
    }

    if (user?.isBlocked) {
      await this.#logOut(ctx, flashMessages.account.loggedOutBecause.blocked)
    } else if (
      user &&
      !guard.viaRemember &&
      !(await sessionSeen(user.id, sessionAtStart, {
        ip: ctx.request.ip(),
        rememberTokenId: RememberMeToken.decode(
          ctx.request.encryptedCookie(guard.rememberMeKeyName)
        )?.identifier,
      }))
    ) {
      await this.#logOut(ctx, flashMessages.account.loggedOutBecause.ended)
    } else {
      await next()
    }

    await this.#followSessionId(ctx, sessionAtStart, user)
  }

  async #logOut(ctx: HttpContext, message: string) {
    await ctx.auth.use('web').logout()
    ctx.session.flash('error', message)
    ctx.response.redirect().toRoute('session.create')
  }

  /**
   * A log-in gives the session a new id (the auth guard does, against
   * session fixation), and so does a log-out (here: the guard only takes
   * the user out of the session, and a copy of the cookie would still name
   * a live session). The old id leaves the record and the store; the new
   * one enters the record if a user is logged in under it.
   */
  async #followSessionId(ctx: HttpContext, sessionAtStart: string, userAtStart?: User) {
    const userNow = ctx.auth.use('web').user
    if (userAtStart && !userNow) ctx.session.regenerate()

    const sessionNow = ctx.session.sessionId
    if (sessionNow === sessionAtStart) return

    if (userAtStart) await endSession(userAtStart.id, sessionAtStart)
    if (userNow) {
      await registerSession(userNow.id, sessionNow, {
        userAgent: ctx.request.header('user-agent'),
        ip: ctx.request.ip(),
      })
    }
  }
}
