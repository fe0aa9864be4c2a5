import type Tenant from '#models/tenant'
import ListWorkspaceEvents, {
  type WorkspaceEventFilters,
} from '#actions/audit/list_workspace_events'
import { csvDownload } from '#services/csv/export'
import { isoTime } from '#api/serializers/time'

export const WORKSPACE_EVENTS_EXPORT_HEADER = [
  'when',
  'who',
  'action',
  'subject_type',
  'subject_id',
  'subject',
  'ip',
  'user_agent',
  'details',
]

/**
 * Rows fetched per query while exporting.
 */
const EXPORT_CHUNK_SIZE = 1000

/**
 * The workspace's audit log with the page's filters as a CSV stream, newest
 * first, read 1,000 entries at a time by keyset (as the suppression list's
 * export): a long log never sits in memory. Every text cell goes through
 * csvExport: a subject's label is whatever a member typed.
 */
export default class ExportWorkspaceEvents {
  static handle(tenant: Tenant, filters: Omit<WorkspaceEventFilters, 'after'>) {
    return csvDownload(WORKSPACE_EVENTS_EXPORT_HEADER, exportRows(tenant, filters), {
      what: 'workspace audit log',
      tenantId: tenant.id,
    })
  }
}

async function* exportRows(tenant: Tenant, filters: WorkspaceEventFilters) {
  let after: number | undefined
  do {
    const page = await ListWorkspaceEvents.handle(tenant, { ...filters, after }, EXPORT_CHUNK_SIZE)
    for (const entry of page.items) {
      yield [
        isoTime(entry.createdAt),
        entry.actorEmail ?? (entry.actorId === null ? 'On schedule' : ''),
        entry.action,
        entry.subjectType,
        entry.subjectId ?? '',
        entry.subjectLabel ?? '',
        entry.ip ?? '',
        entry.userAgent ?? '',
        entry.details ? JSON.stringify(entry.details) : '',
      ]
    }
    after = page.nextCursor ?? undefined
  } while (after)
}
