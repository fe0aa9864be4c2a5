import type Tenant from '#models/tenant'
import ListSuppressions, {
  type SuppressionListOptions,
} from '#actions/suppressions/list_suppressions'
import { csvDownload } from '#services/csv/export'
import { isoTime } from '#api/serializers/time'

export const SUPPRESSIONS_EXPORT_HEADER = ['email', 'reason', 'source', 'detail', 'suppressed_at']

/**
 * Rows fetched per query while exporting.
 */
const EXPORT_CHUNK_SIZE = 1000

/**
 * The workspace's suppression list as a CSV stream, with the page's search
 * and reason, newest first, read 1,000 entries at a time by keyset: a big
 * list never sits in memory and the download starts at once. Every text
 * cell goes through csvExport (a bounce's diagnostic is a mail server's
 * text, never a formula).
 */
export default class ExportSuppressions {
  static handle(tenant: Tenant, filters: Pick<SuppressionListOptions, 'q' | 'reason'>) {
    return csvDownload(SUPPRESSIONS_EXPORT_HEADER, exportRows(tenant, filters), {
      what: 'suppression',
      tenantId: tenant.id,
    })
  }
}

async function* exportRows(tenant: Tenant, filters: SuppressionListOptions) {
  let after: number | undefined
  do {
    const page = await ListSuppressions.handle(tenant, {
      ...filters,
      after,
      perPage: EXPORT_CHUNK_SIZE,
    })
    for (const entry of page.items) {
      yield [entry.email, entry.reason, entry.source, entry.detail ?? '', isoTime(entry.createdAt)]
    }
    after = page.nextCursor ?? undefined
  } while (after)
}
