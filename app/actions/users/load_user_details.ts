import type User from '#models/user'

/**
 * What staff see on a user's page beside the user: their workspace, and how
 * many mailings they created.
 */
export default class LoadUserDetails {
  static async handle(user: User) {
    await user.load('lastTenant')
    await user.loadCount('createdMailings')
    return user
  }
}
