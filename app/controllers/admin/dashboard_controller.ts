import type { HttpContext } from '@adonisjs/core/http'
import AdminPanelPolicy from '#policies/admin_panel_policy'

export default class DashboardController {
  async show({ view, bouncer }: HttpContext) {
    await bouncer.with(AdminPanelPolicy).authorize('view')
    return view.render('pages/admin/index')
  }
}
