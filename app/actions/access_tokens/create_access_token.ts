import type { Infer } from '@vinejs/vine/types'
import User from '#models/user'
import type { createAccessTokenValidator } from '#validators/access_token'

/**
 * A personal access token for the API. Only its hash is stored: the secret
 * it returns is shown once and never again.
 */
export default class CreateAccessToken {
  static async handle(user: User, data: Infer<typeof createAccessTokenValidator>) {
    const token = await User.accessTokens.create(user, data.abilities, {
      name: data.name,
      expiresIn: data.expiresIn === 'never' ? undefined : `${data.expiresIn} days`,
    })
    return { token, secret: token.value!.release() }
  }
}
