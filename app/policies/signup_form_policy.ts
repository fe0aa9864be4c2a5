import type User from '#models/user'
import type SignupForm from '#models/signup_form'
import AppPolicy from '#policies/app_policy'

/**
 * Sign-up forms are their workspace's alone, like its clients: nobody else
 * sees or changes them, staff included. (Their public page needs no policy:
 * it is found by its unguessable token, logged in or not.)
 */
export default class SignupFormPolicy extends AppPolicy {
  viewList(_user: User) {
    return true
  }

  create(_user: User) {
    return true
  }

  update(user: User, form: SignupForm) {
    return this.ownsRecord(user, form)
  }

  delete(user: User, form: SignupForm) {
    return this.ownsRecord(user, form)
  }
}
