import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { ApiProblem } from '#api/problem'
import { LEAST_ROLE_FOR_ABILITY, type TokenAbility } from '#api/abilities'
import { roleAtLeast } from '#teams/workspace_roles'

/**
 * Requires the request's token to carry an ability, and its member a role
 * that allows it (LEAST_ROLE_FOR_ABILITY):
 * `.use(middleware.ability('clients:write'))`. Runs after `apiAuth`.
 */
export default class ApiAbilityMiddleware {
  async handle(ctx: HttpContext, next: NextFn, ability: TokenAbility) {
    const token = ctx.auth.use('api').user?.currentAccessToken
    if (!token?.allows(ability)) {
      throw new ApiProblem('forbidden', `This operation needs a token with "${ability}".`)
    }
    const least = LEAST_ROLE_FOR_ABILITY[ability]
    if (!roleAtLeast(ctx.membership?.role, least)) {
      throw new ApiProblem(
        'forbidden',
        `This operation needs the ${least} role in this workspace; the token's member is ${ctx.membership?.role ?? 'not a member'}.`
      )
    }
    return next()
  }
}
