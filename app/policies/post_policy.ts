import type User from '#models/user'
import type Post from '#models/post'
import AppPolicy from '#policies/app_policy'

/**
 * The blog is written by content managers and admins; managers and users
 * never see its admin pages (404).
 */
export default class PostPolicy extends AppPolicy {
  viewList(user: User) {
    return this.#writesTheBlog(user)
  }

  create(user: User) {
    return this.#writesTheBlog(user)
  }

  update(user: User, _post: Post) {
    return this.#writesTheBlog(user)
  }

  delete(user: User, _post: Post) {
    return this.#writesTheBlog(user)
  }

  #writesTheBlog(user: User) {
    return this.isContentManager(user) || this.isAdmin(user)
  }
}
