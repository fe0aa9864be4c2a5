import type { HttpContext } from '@adonisjs/core/http'
import WorkspacePolicy from '#policies/workspace_policy'
import LoadWorkspaceOverview from '#actions/dashboard/load_workspace_overview'

export default class DashboardController {
  async show({ view, bouncer, tenant }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('view', tenant)
    return view.render('pages/dashboard', await LoadWorkspaceOverview.handle(tenant))
  }
}
