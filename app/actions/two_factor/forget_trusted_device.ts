import type User from '#models/user'

/**
 * One of the user's remembered devices is forgotten (Settings → Security):
 * its next log-in asks for a code again. Looked up from the user, so
 * another person's device id is not found (404).
 */
export default class ForgetTrustedDevice {
  static async handle(user: User, id: number | string) {
    const device = await user.related('trustedDevices').query().where('id', id).firstOrFail()
    await device.delete()
  }
}
