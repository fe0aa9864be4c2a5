import type User from '#models/user'
import type SignupForm from '#models/signup_form'
import AppPolicy from '#policies/app_policy'

/**
 * Sign-up forms are their workspace's alone, like its clients: nobody else
 * sees or changes them, staff included. (Their public page needs no policy:
 * it is found by its unguessable token, logged in or not.)
 */
export default class SignupFormPolicy extends AppPolicy {
  viewList(user: User) {
    return this.isMember(user)
  }

  create(user: User) {
    return this.mayEdit(user)
  }

  update(user: User, form: SignupForm) {
    return this.mayEdit(user, form)
  }

  delete(user: User, form: SignupForm) {
    return this.mayEdit(user, form)
  }
}
