import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import { actorOf } from '#actions/audit/record_workspace_event'
import WorkspacePolicy from '#policies/workspace_policy'
import UpdateWorkspace from '#actions/workspaces/update_workspace'
import { deleteWorkspaceValidator, updateWorkspaceValidator } from '#validators/workspace'
import DeleteWorkspace, { WorkspaceNameMismatchError } from '#actions/teams/delete_workspace'
import { WORKSPACE_SESSION_KEY } from '#teams/memberships'
import { TeamRuleError } from '#teams/team_rule_error'
import { flashMessages } from '#services/http/flash_messages'

export default class WorkspaceController {
  async edit({ view, bouncer, tenant }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('update', tenant)
    return view.render('pages/settings/workspace', {
      timeZones: Intl.supportedValuesOf('timeZone'),
    })
  }

  async update({ request, response, bouncer, tenant, session, auth }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('update', tenant)
    const { name, timeZone, requireTwoFactor } =
      await request.validateUsing(updateWorkspaceValidator)
    // An admin without two-factor would shut themselves out of this page.
    if (requireTwoFactor && !tenant.requireTwoFactor && !auth.getUserOrFail().hasTwoFactor) {
      throw new vineErrors.E_VALIDATION_ERROR([
        {
          field: 'requireTwoFactor',
          message: flashMessages.twoFactor.adminFirst,
          rule: 'twoFactor',
        },
      ])
    }
    await UpdateWorkspace.handle(actorOf({ auth, request }), tenant, {
      name,
      timeZone,
      requireTwoFactor: !!requireTwoFactor,
    })

    session.flash('success', flashMessages.account.workspaceSaved)
    return response.redirect().toRoute('settings.workspace.edit')
  }

  /**
   * Owners only; the form asks for the workspace's name, as GitHub does for
   * a repository. The person lands in another of their workspaces, or on
   * "New workspace" when it was their only one.
   */
  async destroy(ctx: HttpContext) {
    const { request, response, bouncer, tenant, session } = ctx
    await bouncer.with(WorkspacePolicy).authorize('delete', tenant)
    const { confirmation } = await request.validateUsing(deleteWorkspaceValidator)
    try {
      await DeleteWorkspace.handle(actorOf(ctx), tenant, confirmation)
    } catch (error) {
      if (!(error instanceof WorkspaceNameMismatchError || error instanceof TeamRuleError)) {
        throw error
      }
      throw new vineErrors.E_VALIDATION_ERROR([
        { field: 'confirmation', message: error.message, rule: 'workspaceName' },
      ])
    }
    session.forget(WORKSPACE_SESSION_KEY)
    session.flash('success', flashMessages.workspaces.deleted(tenant.name))
    return response.redirect().toRoute('dashboard')
  }
}
