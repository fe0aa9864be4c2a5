import type User from '#models/user'
import AppPolicy from '#policies/app_policy'

export default class AdminPanelPolicy extends AppPolicy {
  view(user: User) {
    return this.isStaff(user)
  }
}
