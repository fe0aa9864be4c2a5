import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { Exception } from '@adonisjs/core/exceptions'
import edge from 'edge.js'
import type Tenant from '#models/tenant'
import type Membership from '#models/membership'
import {
  WORKSPACE_FORM_FIELD,
  WORKSPACE_QUERY_PARAM,
  WORKSPACE_SESSION_KEY,
  firstMembershipOf,
  membershipOf,
  workspaceIdFrom,
  workspacesOf,
} from '#teams/memberships'
import { mustSetUpTwoFactorFirst } from '#two_factor/workspace_requirement'
import { flashMessages } from '#services/http/flash_messages'

/**
 * Resolves the workspace the request acts in (`ctx.tenant`) and the user's
 * membership of it (`ctx.membership`, also `user.currentMembership` for the
 * Bouncer policies). Every workspace query starts from `ctx.tenant`, which
 * keeps one business's data out of another's hands; the membership is read
 * on every request, so a removed member is out on their next one.
 *
 * Which workspace: `?workspace=<id>` when a link names one (404 if the user
 * is not a member), else the session's, else the one they were last in,
 * else their first. With none at all, they are sent to create one.
 *
 * `optional` is for the person's own account pages (profile, password,
 * sessions, two-factor): they work in no workspace at all (someone who left
 * their last must still change their password), show the current one in
 * the top bar when there is one, and are where a workspace's two-factor
 * requirement sends its members, so it does not apply to them.
 */
export default class TenantMiddleware {
  async handle(ctx: HttpContext, next: NextFn, options: { optional?: boolean } = {}) {
    const user = ctx.auth.getUserOrFail()
    const membership = await this.#membership(ctx)
    if (!membership) {
      ctx.session.forget(WORKSPACE_SESSION_KEY)
      if (options.optional) return next()
      return ctx.response.redirect().toRoute('workspaces.create')
    }

    if (!options.optional && !this.#formIsOfThisWorkspace(ctx, membership)) {
      ctx.session.flash(
        'error',
        `That form was for another workspace than ${membership.tenant.name}, which you switched to since. Nothing was changed; please try again here.`
      )
      return ctx.response.redirect().back()
    }

    if (ctx.session.get(WORKSPACE_SESSION_KEY) !== membership.tenantId) {
      ctx.session.put(WORKSPACE_SESSION_KEY, membership.tenantId)
    }
    if (user.lastTenantId !== membership.tenantId) {
      user.lastTenantId = membership.tenantId
      await user.save()
    }

    user.currentMembership = membership
    ctx.membership = membership
    ctx.tenant = membership.tenant
    ctx.view.share({
      tenant: ctx.tenant,
      membership,
      workspaces: await workspacesOf(user.id),
      csrfField: () =>
        edge.globals.html.safe(
          `<input type='hidden' name='_csrf' value='${ctx.request.csrfToken}'>` +
            `<input type='hidden' name='${WORKSPACE_FORM_FIELD}' value='${membership.tenantId}'>`
        ),
    })

    // Leaving is open too: a member who will not use two-factor may go.
    const leaving = ctx.route?.name === 'settings.members.leave'
    if (!options.optional && !leaving && mustSetUpTwoFactorFirst(user, membership)) {
      ctx.session.flash('error', flashMessages.twoFactor.requiredBy(membership.tenant.name))
      return ctx.response.redirect().toRoute('settings.security.show')
    }

    return next()
  }

  async #membership(ctx: HttpContext) {
    const user = ctx.auth.getUserOrFail()
    const named = ctx.request.qs()[WORKSPACE_QUERY_PARAM]
    if (named !== undefined) {
      const tenantId = workspaceIdFrom(named)
      const membership = tenantId ? await membershipOf(user.id, tenantId) : null
      if (!membership) throw new Exception('Not found', { status: 404, code: 'E_NOT_FOUND' })
      return membership
    }

    const remembered = ctx.session.get(WORKSPACE_SESSION_KEY) ?? user.lastTenantId
    const membership = remembered ? await membershipOf(user.id, remembered) : null
    return membership ?? firstMembershipOf(user.id)
  }

  /**
   * A form from a page of another workspace (see WORKSPACE_FORM_FIELD).
   * Forms without the field (the API, the few outside workspace pages) pass.
   */
  #formIsOfThisWorkspace(ctx: HttpContext, membership: Membership) {
    if (['GET', 'HEAD', 'OPTIONS'].includes(ctx.request.method())) return true
    const field = ctx.request.input(WORKSPACE_FORM_FIELD)
    if (field === undefined || field === null) return true
    return workspaceIdFrom(String(field)) === membership.tenantId
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    tenant: Tenant
    membership: Membership
  }
}
