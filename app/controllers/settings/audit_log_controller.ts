import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import WorkspacePolicy from '#policies/workspace_policy'
import ListWorkspaceEvents from '#actions/audit/list_workspace_events'
import ListWorkspaceEventChoices from '#actions/audit/list_workspace_event_choices'
import ExportWorkspaceEvents from '#actions/audit/export_workspace_events'
import { workspaceAuditLogFilterValidator } from '#validators/workspace_audit_log'
import { filtersQuery } from '#services/database/list_filters'

/**
 * Settings → Audit log: who changed what in the workspace, when and from
 * where; owners and admins only.
 */
export default class AuditLogController {
  async index({ view, request, bouncer, tenant }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('viewAuditLog', tenant)
    const filters = await workspaceAuditLogFilterValidator.validate(request.qs())
    return view.render('pages/settings/audit_log', {
      ...(await ListWorkspaceEvents.handle(tenant, filters)),
      choices: await ListWorkspaceEventChoices.handle(tenant),
      filters,
      query: filtersQuery(filters),
      timeZone: tenant.timeZone,
    })
  }

  async export({ request, response, bouncer, tenant }: HttpContext) {
    await bouncer.with(WorkspacePolicy).authorize('viewAuditLog', tenant)
    const { after, ...filters } = await workspaceAuditLogFilterValidator.validate(request.qs())

    const day = DateTime.now().setZone(tenant.timeZone).toISODate()
    response.header('content-type', 'text/csv; charset=utf-8')
    response.header('content-disposition', `attachment; filename="audit-log-${day}.csv"`)
    response.header('cache-control', 'no-store')
    response.stream(ExportWorkspaceEvents.handle(tenant, filters))
  }
}
