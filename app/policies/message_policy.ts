import type User from '#models/user'
import type Message from '#models/message'
import AppPolicy from '#policies/app_policy'

/**
 * Messages are their workspace's alone: nobody else sees or changes them,
 * staff included.
 */
export default class MessagePolicy extends AppPolicy {
  viewList(user: User) {
    return this.isMember(user)
  }

  view(user: User, message: Message) {
    return this.ownsRecord(user, message)
  }

  create(user: User) {
    return this.mayEdit(user)
  }

  update(user: User, message: Message) {
    return this.mayEdit(user, message)
  }

  delete(user: User, message: Message) {
    return this.mayEdit(user, message)
  }

  /**
   * A test to the member's own address: editors and up, as sending is.
   */
  testSend(user: User, message: Message) {
    return this.mayEdit(user, message)
  }
}
