import type { HttpContext } from '@adonisjs/core/http'
import { serializeMe } from '#api/serializers/me'

export default class MeController {
  /**
   * Who the token acts for: its user, workspace and abilities.
   */
  async show({ auth, tenant }: HttpContext) {
    const user = auth.use('api').getUserOrFail()
    return serializeMe(user, tenant, user.currentAccessToken)
  }
}
