import type { HttpContext } from '@adonisjs/core/http'
import AdminPanelPolicy from '#policies/admin_panel_policy'
import ListReputationPauses from '#actions/bounces/list_reputation_pauses'

export default class DashboardController {
  async show({ view, bouncer }: HttpContext) {
    await bouncer.with(AdminPanelPolicy).authorize('view')
    const reputationPauses = (await bouncer.with(AdminPanelPolicy).allows('viewAuditLog'))
      ? await ListReputationPauses.handle()
      : []
    return view.render('pages/admin/index', { reputationPauses })
  }
}
