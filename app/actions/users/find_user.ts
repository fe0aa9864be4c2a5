import User from '#models/user'

/**
 * Any user by id, for the admin panel (its policies decide who may see
 * them); 404 for one that does not exist.
 */
export default class FindUser {
  static handle(id: number | string) {
    return User.findOrFail(id)
  }
}
