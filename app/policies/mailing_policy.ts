import type User from '#models/user'
import type Mailing from '#models/mailing'
import AppPolicy from '#policies/app_policy'

/**
 * Owners manage their workspace's mailings. Managers and admins may look at
 * any workspace's mailings and statistics, read-only. Archived mailings are
 * history: nobody changes them.
 */
export default class MailingPolicy extends AppPolicy {
  viewList(user: User) {
    return this.isMember(user)
  }

  view(user: User, mailing: Mailing) {
    return this.ownsRecord(user, mailing) || this.canOverseeMailings(user)
  }

  /**
   * Whether the user may open mailings of workspaces other than their own.
   */
  viewAnyWorkspace(user: User) {
    return this.canOverseeMailings(user)
  }

  create(user: User) {
    return this.mayEdit(user)
  }

  update(user: User, mailing: Mailing) {
    return this.#ownsLive(user, mailing, !['disabled', 'completed'].includes(mailing.status))
  }

  delete(user: User, mailing: Mailing) {
    return this.#ownsLive(user, mailing, true)
  }

  /**
   * Pausing and resuming are the owner's; a mailing disabled by staff stays
   * disabled until staff enable it.
   */
  pause(user: User, mailing: Mailing) {
    return this.#ownsLive(user, mailing, ['created', 'running'].includes(mailing.status))
  }

  /**
   * Starting a run now ("send now"): not while paused, disabled or over.
   */
  send(user: User, mailing: Mailing) {
    return this.#ownsLive(user, mailing, ['created', 'running'].includes(mailing.status))
  }

  resume(user: User, mailing: Mailing) {
    return this.#ownsLive(user, mailing, mailing.status === 'paused')
  }

  /**
   * Staff stop any workspace's mailing that is still to send, and let it
   * send again. Finished and deleted mailings have nothing left to stop.
   */
  disable(user: User, mailing: Mailing) {
    return (
      this.canOverseeMailings(user) &&
      mailing.archivedAt === null &&
      ['created', 'running', 'paused'].includes(mailing.status)
    )
  }

  enable(user: User, mailing: Mailing) {
    return (
      this.canOverseeMailings(user) && mailing.archivedAt === null && mailing.status === 'disabled'
    )
  }

  /**
   * A test goes to the user's own address with their workspace's content:
   * only its editors (and up) send one, staff overseeing a workspace do not.
   */
  testSend(user: User, mailing: Mailing) {
    return this.mayEdit(user, mailing)
  }

  /**
   * A mailing of the workspace, not archived, in a state that allows the
   * action; a member below editor is refused by role first (403), so the
   * answer does not depend on the mailing's state.
   */
  #ownsLive(user: User, mailing: Mailing, stateAllows: boolean) {
    const edits = this.mayEdit(user, mailing)
    if (edits !== true) return edits
    return mailing.archivedAt === null && stateAllows
  }
}
