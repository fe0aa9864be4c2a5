import type { HttpContext } from '@adonisjs/core/http'
import { actorOf } from '#actions/audit/record_workspace_event'
import WorkspacePolicy from '#policies/workspace_policy'
import UpdateWorkspace from '#actions/workspaces/update_workspace'
import { updateWorkspaceValidator } from '#validators/workspace'
import { flashMessages } from '#services/flash_messages'

export default class WorkspaceController {
  async edit({ view, bouncer, tenant }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('update', tenant)
    return view.render('pages/settings/workspace', {
      timeZones: Intl.supportedValuesOf('timeZone'),
    })
  }

  async update({ request, response, bouncer, tenant, session, auth }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('update', tenant)
    const { name, timeZone } = await request.validateUsing(updateWorkspaceValidator)
    await UpdateWorkspace.handle(actorOf({ auth, request }), tenant, { name, timeZone })

    session.flash('success', flashMessages.account.workspaceSaved)
    return response.redirect().toRoute('settings.workspace.edit')
  }
}
