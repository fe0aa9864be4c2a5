import type User from '#models/user'
import AppPolicy from '#policies/app_policy'

/**
 * A person's own account: profile, password, email verification.
 */
export default class AccountPolicy extends AppPolicy {
  update(user: User, account: User) {
    return user.id === account.id
  }
}
