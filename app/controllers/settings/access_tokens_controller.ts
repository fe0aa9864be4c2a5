import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import AccountPolicy from '#policies/account_policy'
import WorkspacePolicy from '#policies/workspace_policy'
import CreateAccessToken from '#actions/access_tokens/create_access_token'
import ListAccessTokens from '#actions/access_tokens/list_access_tokens'
import RevokeAccessToken from '#actions/access_tokens/revoke_access_token'
import { actorOf } from '#actions/audit/record_workspace_event'
import {
  abilitiesBeyondRole,
  createAccessTokenValidator,
  TOKEN_LIFETIMES,
} from '#validators/access_token'
import { TOKEN_ABILITIES, TOKEN_ABILITY_DESCRIPTIONS, LEAST_ROLE_FOR_ABILITY } from '#api/abilities'
import { flashMessages } from '#services/http/flash_messages'

/**
 * Settings → API tokens: the member's personal access tokens for the
 * current workspace (each acts in it, as them, with the abilities ticked
 * when it was made). Admins and owners also see every member's tokens of
 * the workspace, and may revoke them.
 */
export default class AccessTokensController {
  async index({ view, auth, bouncer, tenant, membership }: HttpContext) {
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    const seesEveryMember = await bouncer.with(WorkspacePolicy).allows('manageMembers', tenant)

    return view.render('pages/settings/tokens', {
      tokens: await ListAccessTokens.handle(user, tenant),
      membersTokens: seesEveryMember
        ? await ListAccessTokens.handle(user, tenant, { otherMembers: true })
        : null,
      abilities: TOKEN_ABILITIES,
      abilitiesBeyondRole: abilitiesBeyondRole(membership.role, TOKEN_ABILITIES),
      leastRoleFor: LEAST_ROLE_FOR_ABILITY,
      abilityDescriptions: TOKEN_ABILITY_DESCRIPTIONS,
      lifetimes: TOKEN_LIFETIMES,
    })
  }

  async store(ctx: HttpContext) {
    const { request, response, auth, bouncer, session, tenant, membership } = ctx
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    const data = await request.validateUsing(createAccessTokenValidator, {
      meta: { role: membership.role },
    })
    const { secret } = await CreateAccessToken.handle(actorOf(ctx), tenant, data)

    // Shown once, on the next page only: the database keeps a hash.
    session.flash('newToken', { name: data.name, secret })
    return response.redirect().toRoute('settings.tokens.index')
  }

  async destroy(ctx: HttpContext) {
    const { params, response, auth, bouncer, session, tenant } = ctx
    const user = auth.getUserOrFail()
    await bouncer.with(AccountPolicy).authorize('update', user)
    const anyMember = await bouncer.with(WorkspacePolicy).allows('manageMembers', tenant)
    // Scoped to the workspace, and to the member unless an admin: any other
    // token id deletes nothing (404).
    if (!(await RevokeAccessToken.handle(actorOf(ctx), tenant, params.id, { anyMember }))) {
      throw new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
    }

    session.flash('success', flashMessages.account.tokenRevoked)
    return response.redirect().toRoute('settings.tokens.index')
  }
}
