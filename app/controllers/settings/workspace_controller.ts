import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import WorkspacePolicy from '#policies/workspace_policy'
import UpdateWorkspace from '#actions/workspaces/update_workspace'
import { updateWorkspaceValidator } from '#validators/workspace'
import { flashMessages } from '#services/flash_messages'
import { twoFactorMessages } from '#two_factor/messages'

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
        { field: 'requireTwoFactor', message: twoFactorMessages.adminFirst, rule: 'twoFactor' },
      ])
    }
    await UpdateWorkspace.handle(tenant, { name, timeZone, requireTwoFactor: !!requireTwoFactor })

    session.flash('success', flashMessages.account.workspaceSaved)
    return response.redirect().toRoute('settings.workspace.edit')
  }
}
