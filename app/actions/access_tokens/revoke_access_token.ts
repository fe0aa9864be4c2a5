import User from '#models/user'

/**
 * Deletes one of the user's personal access tokens; the API refuses it from
 * the next request. Scoped to the user: another user's token id deletes
 * nothing (false).
 */
export default class RevokeAccessToken {
  static async handle(user: User, tokenId: string | number) {
    return Boolean(await User.accessTokens.delete(user, tokenId))
  }
}
