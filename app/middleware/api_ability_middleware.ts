import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { ApiProblem } from '#api/problem'
import type { TokenAbility } from '#api/abilities'

/**
 * Requires the request's token to carry an ability:
 * `.use(middleware.ability('clients:write'))`. Runs after `apiAuth`.
 */
export default class ApiAbilityMiddleware {
  async handle(ctx: HttpContext, next: NextFn, ability: TokenAbility) {
    const token = ctx.auth.use('api').user?.currentAccessToken
    if (!token?.allows(ability)) {
      throw new ApiProblem('forbidden', `This operation needs a token with "${ability}".`)
    }
    return next()
  }
}
