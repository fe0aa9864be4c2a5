import type User from '#models/user'

/**
 * A user changes what their profile says about them: their name.
 */
export default class UpdateProfile {
  static async handle(user: User, { fullName }: { fullName: string }) {
    user.fullName = fullName
    await user.save()
  }
}
