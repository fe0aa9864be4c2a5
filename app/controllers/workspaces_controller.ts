import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import CreateWorkspace, { OwnedWorkspacesLimitError } from '#actions/teams/create_workspace'
import { updateWorkspaceValidator } from '#validators/workspace'
import { WORKSPACE_SESSION_KEY } from '#teams/memberships'
import { flashMessages } from '#services/http/flash_messages'

/**
 * Starting a workspace: from the switcher's "New workspace", and the page
 * a person without any workspace (they left their last) lands on.
 */
export default class WorkspacesController {
  async create({ view }: HttpContext) {
    return view.render('pages/workspaces/create', {
      timeZones: Intl.supportedValuesOf('timeZone'),
    })
  }

  async store({ request, response, auth, session }: HttpContext) {
    const input = await request.validateUsing(updateWorkspaceValidator)
    let tenant
    try {
      tenant = await CreateWorkspace.handle(auth.getUserOrFail(), input)
    } catch (error) {
      if (!(error instanceof OwnedWorkspacesLimitError)) throw error
      throw new vineErrors.E_VALIDATION_ERROR([
        { field: 'name', message: error.message, rule: 'ownedWorkspaces' },
      ])
    }
    session.put(WORKSPACE_SESSION_KEY, tenant.id)
    session.flash('success', flashMessages.workspaces.created(tenant.name))
    return response.redirect().toRoute('dashboard')
  }
}
