import type { HttpContext } from '@adonisjs/core/http'
import AcceptInvitation, {
  InvitationRefusedError,
  type InvitationProblem,
} from '#actions/teams/accept_invitation'
import OpenInvitation from '#actions/teams/open_invitation'
import { invitationSignUpValidator } from '#validators/teams'
import { WORKSPACE_SESSION_KEY } from '#teams/memberships'
import { flashMessages } from '#services/http/flash_messages'

/**
 * How each refusal answers: a link that never existed is not found; one
 * that did but is spent is gone; one for someone else is forbidden.
 */
const STATUS_OF: Record<InvitationProblem, number> = {
  unknown: 404,
  expired: 410,
  used: 410,
  revoked: 410,
  other_account: 403,
  account_exists: 409,
}

/**
 * The link of an invitation mail (public: the invitee may have no account
 * yet). Its page says what the link does for whoever opens it: join as the
 * logged-in user, log in first, or make an account; the form posts back to
 * the same link.
 */
export default class InvitationsController {
  async show(ctx: HttpContext) {
    const { params, auth, view } = ctx
    keepLinkPrivate(ctx)
    try {
      const user = auth.user
      const { invitation, hasAccount } = await OpenInvitation.handle(params.token, user)
      return view.render('pages/invitations/show', {
        invitation,
        user,
        hasAccount,
        action: ctx.request.url(),
      })
    } catch (error) {
      return this.#refused(ctx, error)
    }
  }

  async accept(ctx: HttpContext) {
    const { params, auth, request, response, session } = ctx
    keepLinkPrivate(ctx)
    const from = { ip: request.ip(), userAgent: request.header('user-agent') ?? null }
    try {
      const user = auth.user
      let joined
      if (user) {
        joined = await AcceptInvitation.handle(params.token, { user }, from)
      } else {
        // A spent link is refused before its form is checked, and so is
        // one whose address has an account (they log in to accept).
        const { invitation, hasAccount } = await OpenInvitation.handle(params.token, null)
        if (hasAccount) throw new InvitationRefusedError('account_exists', invitation)
        const data = await request.validateUsing(invitationSignUpValidator)
        joined = await AcceptInvitation.handle(params.token, { newAccount: data }, from)
        await auth.use('web').login(joined.user)
      }
      session.put(WORKSPACE_SESSION_KEY, joined.tenant.id)
      session.flash(
        'success',
        flashMessages.members.joined(joined.tenant.name, joined.membership.role)
      )
      return response.redirect().toRoute('dashboard')
    } catch (error) {
      return this.#refused(ctx, error)
    }
  }

  #refused({ response, view, auth }: HttpContext, error: unknown) {
    if (!(error instanceof InvitationRefusedError)) throw error
    response.status(STATUS_OF[error.problem])
    return view.render('pages/invitations/refused', {
      problem: error.problem,
      invitation: error.invitation,
      user: auth.user,
    })
  }
}

/**
 * The page's address is the invitation's secret: no other site learns it
 * from a Referer, and no cache keeps the page.
 */
function keepLinkPrivate({ response }: HttpContext) {
  response.header('Referrer-Policy', 'no-referrer')
  response.header('Cache-Control', 'no-store')
}
