import type User from '#models/user'
import type Message from '#models/message'
import AppPolicy from '#policies/app_policy'

/**
 * Messages are their workspace's alone: nobody else sees or changes them,
 * staff included.
 */
export default class MessagePolicy extends AppPolicy {
  viewList(_user: User) {
    return true
  }

  view(user: User, message: Message) {
    return this.ownsRecord(user, message)
  }

  create(_user: User) {
    return true
  }

  update(user: User, message: Message) {
    return this.ownsRecord(user, message)
  }

  delete(user: User, message: Message) {
    return this.ownsRecord(user, message)
  }
}
