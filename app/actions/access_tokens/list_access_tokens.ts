import User from '#models/user'

/**
 * The user's personal access tokens, expired ones included, in the order
 * the auth package keeps them (by last use, then newest first).
 */
export default class ListAccessTokens {
  static handle(user: User) {
    return User.accessTokens.all(user)
  }
}
