import type User from '#models/user'
import type Suppression from '#models/suppression'
import AppPolicy from '#policies/app_policy'

/**
 * A workspace's suppression list is its own, like its clients: nobody else
 * sees or changes it, staff included.
 */
export default class SuppressionPolicy extends AppPolicy {
  viewList(user: User) {
    return this.isMember(user)
  }

  create(user: User) {
    return this.mayEdit(user)
  }

  delete(user: User, entry: Suppression) {
    return this.mayEdit(user, entry)
  }
}
