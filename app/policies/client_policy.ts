import type User from '#models/user'
import type Client from '#models/client'
import AppPolicy from '#policies/app_policy'

/**
 * Clients are their workspace's alone: nobody else sees or changes them,
 * staff included.
 */
export default class ClientPolicy extends AppPolicy {
  viewList(user: User) {
    return this.isMember(user)
  }

  view(user: User, client: Client) {
    return this.ownsRecord(user, client)
  }

  create(user: User) {
    return this.mayEdit(user)
  }

  update(user: User, client: Client) {
    return this.mayEdit(user, client)
  }

  delete(user: User, client: Client) {
    return this.mayEdit(user, client)
  }

  /**
   * The list's bulk actions (delete, tag): editors and up, whichever clients
   * are ticked (none, or only other workspaces', included).
   */
  changeMany(user: User) {
    return this.mayEdit(user)
  }
}
