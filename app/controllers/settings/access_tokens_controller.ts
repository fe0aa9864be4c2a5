import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import { Exception } from '@adonisjs/core/exceptions'
import AccountPolicy from '#policies/account_policy'
import CreateAccessToken from '#actions/access_tokens/create_access_token'
import ListAccessTokens from '#actions/access_tokens/list_access_tokens'
import RevokeAccessToken from '#actions/access_tokens/revoke_access_token'
import { createAccessTokenValidator, TOKEN_LIFETIMES } from '#validators/access_token'
import { TOKEN_ABILITIES, TOKEN_ABILITY_DESCRIPTIONS } from '#api/abilities'
import { flashMessages } from '#services/flash_messages'

/**
 * Settings → API tokens: the user's personal access tokens. Each acts in
 * the user's workspace with the abilities ticked when it was created.
 */
export default class AccessTokensController {
  async index({ view, auth, bouncer }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    const tokens = await ListAccessTokens.handle(user)

    return view.render('pages/settings/tokens', {
      tokens,
      abilities: TOKEN_ABILITIES,
      abilityDescriptions: TOKEN_ABILITY_DESCRIPTIONS,
      lifetimes: TOKEN_LIFETIMES,
    })
  }

  async store({ request, response, auth, bouncer, session, tenant }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    const data = await request.validateUsing(createAccessTokenValidator)
    const { secret } = await CreateAccessToken.handle(actorOf({ auth, request }), tenant, data)

    // Shown once, on the next page only: the database keeps a hash.
    session.flash('newToken', { name: data.name, secret })
    return response.redirect().toRoute('settings.tokens.index')
  }

  async destroy({ params, response, auth, bouncer, session, request }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    // Scoped to the user: another user's token id deletes nothing (404).
    if (!(await RevokeAccessToken.handle(actorOf({ auth, request }), params.id))) {
      throw new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
    }

    session.flash('success', flashMessages.account.tokenRevoked)
    return response.redirect().toRoute('settings.tokens.index')
  }
}
