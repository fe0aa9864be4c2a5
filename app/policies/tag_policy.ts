import type User from '#models/user'
import type Tag from '#models/tag'
import AppPolicy from '#policies/app_policy'

/**
 * A workspace's tags are its own, like its clients: nobody else sees,
 * changes or hands them out, staff included.
 */
export default class TagPolicy extends AppPolicy {
  viewList(user: User) {
    return this.isMember(user)
  }

  create(user: User) {
    return this.mayEdit(user)
  }

  update(user: User, tag: Tag) {
    return this.mayEdit(user, tag)
  }

  delete(user: User, tag: Tag) {
    return this.mayEdit(user, tag)
  }

  /**
   * Adding the tag to clients, or taking it off them, in bulk.
   */
  tagClients(user: User, tag: Tag) {
    return this.mayEdit(user, tag)
  }
}
