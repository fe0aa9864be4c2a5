import User from '#models/user'
import { findInvitation, InvitationRefusedError } from '#actions/teams/accept_invitation'

/**
 * What an invitation link does for whoever opens it: the invitation of its
 * secret (or why it cannot be used: InvitationRefusedError), and, for a
 * visitor who is not logged in, whether its address already has an
 * account (they log in to accept) or not (they make one). A user logged in
 * with another address is refused: the link was meant for someone else.
 */
export default class OpenInvitation {
  static async handle(token: string, user: User | null | undefined) {
    const invitation = await findInvitation(token)
    if (user && user.email !== invitation.email) {
      throw new InvitationRefusedError('other_account', invitation)
    }
    const hasAccount = !user && (await User.findBy('email', invitation.email)) !== null
    return { invitation, hasAccount }
  }
}
