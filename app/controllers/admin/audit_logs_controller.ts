import type { HttpContext } from '@adonisjs/core/http'
import AdminPanelPolicy from '#policies/admin_panel_policy'
import ListAuditLogs from '#actions/audit/list_audit_logs'
import ListAuditLogChoices from '#actions/audit/list_audit_log_choices'
import { auditLogFilterValidator } from '#validators/admin'
import { filtersQuery } from '#services/database/list_filters'

export default class AuditLogsController {
  async index({ view, request, bouncer }: HttpContext) {
    await bouncer.with(AdminPanelPolicy).authorize('viewAuditLog')
    const filters = await auditLogFilterValidator.validate(request.qs())
    return view.render('pages/admin/audit_logs/index', {
      ...(await ListAuditLogs.handle(filters)),
      choices: await ListAuditLogChoices.handle(),
      filters,
      query: filtersQuery(filters),
    })
  }
}
