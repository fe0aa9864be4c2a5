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
    return this.canEdit(user)
  }

  update(user: User, client: Client) {
    return this.editsRecord(user, client)
  }

  delete(user: User, client: Client) {
    return this.editsRecord(user, client)
  }
}
