import type { HttpContext } from '@adonisjs/core/http'
import type User from '#models/user'
import EndSessions from '#actions/auth/end_sessions'

/**
 * A logged-in user sets a new password (the form checked the current one).
 * Whoever else holds a session or a "remember me" cookie is out; the device
 * asking stays in.
 */
export default class ChangePassword {
  static async handle({
    user,
    password,
    asking,
  }: {
    user: User
    password: string
    asking: HttpContext
  }) {
    user.password = password
    await user.save()
    await EndSessions.handle(user, { keep: asking })
  }
}
