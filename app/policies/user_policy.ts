import type User from '#models/user'
import AppPolicy from '#policies/app_policy'

/**
 * Staff moderation of user accounts. Managers block and unblock plain users
 * only; admins anyone but themselves. Only admins change roles, never their
 * own (the last admin cannot lock everybody out of the panel).
 */
export default class UserPolicy extends AppPolicy {
  view(user: User, _account: User) {
    return this.canOverseeMailings(user)
  }

  block(user: User, account: User) {
    return !account.isBlocked && this.#mayModerate(user, account)
  }

  unblock(user: User, account: User) {
    return account.isBlocked && this.#mayModerate(user, account)
  }

  changeRole(user: User, account: User) {
    return this.isAdmin(user) && user.id !== account.id
  }

  #mayModerate(user: User, account: User) {
    if (user.id === account.id) return false
    if (this.isAdmin(user)) return true
    return this.isManager(user) && !account.isStaff
  }
}
