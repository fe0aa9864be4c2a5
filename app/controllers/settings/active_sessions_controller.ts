import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import AccountPolicy from '#policies/account_policy'
import EndSessions from '#actions/auth/end_sessions'
import ListActiveSessions from '#actions/auth/list_active_sessions'
import EndActiveSession from '#actions/auth/end_active_session'
import { flashMessages } from '#services/http/flash_messages'

/**
 * Settings → Sessions: where the user is logged in, and a way to end any
 * of it. A session is named by a handle (a hash of its id), looked up in
 * the user's own record: another user's session ends nothing (404).
 */
export default class ActiveSessionsController {
  async index({ view, auth, bouncer, session }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    const sessions = await ListActiveSessions.handle(user, session.sessionId)
    return view.render('pages/settings/sessions', { sessions })
  }

  async destroy({ params, response, auth, bouncer, session }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    if (!(await EndActiveSession.handle(user, params.handle))) {
      throw new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
    }

    session.flash('success', flashMessages.account.sessionEnded)
    return response.redirect().toRoute('settings.sessions.index')
  }

  async destroyOthers(ctx: HttpContext) {
    const { response, auth, bouncer, session } = ctx
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    const ended = await EndSessions.handle(user, { keep: ctx })

    session.flash('success', flashMessages.account.otherSessionsEnded(ended))
    return response.redirect().toRoute('settings.sessions.index')
  }
}
