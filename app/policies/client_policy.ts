import type User from '#models/user'
import type Client from '#models/client'
import AppPolicy from '#policies/app_policy'

/**
 * Clients are their workspace's alone: nobody else sees or changes them,
 * staff included.
 */
export default class ClientPolicy extends AppPolicy {
  viewList(_user: User) {
    return true
  }

  view(user: User, client: Client) {
    return this.ownsRecord(user, client)
  }

  create(_user: User) {
    return true
  }

  update(user: User, client: Client) {
    return this.ownsRecord(user, client)
  }

  delete(user: User, client: Client) {
    return this.ownsRecord(user, client)
  }
}
